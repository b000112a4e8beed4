// Fixture for scripts/check-format: formatted as the root .clang-format says.
namespace fixture {

int add(int a, int b) {
  return a + b;
}

}  // namespace fixture
