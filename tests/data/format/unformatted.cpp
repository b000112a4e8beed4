// Fixture for scripts/check-format: spaces clang-format would change.
namespace fixture {

int add( int a,int b ) { return a+b; }

}  // namespace fixture
