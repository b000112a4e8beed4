// Fixture for scripts/check-long-functions: nothing here may confuse the brace count.
#include <functional>
#include <string>

#define OPEN_BRACE {
#define MULTI_LINE_MACRO(x) \
  do {                     \
    (void)(x);             \
  } while (0)

namespace fixture {
namespace detail {

// A string, a raw string, characters and comments full of braces: 4 lines.
int braces_in_literals() {
  const std::string a = "{{{ \" }";  /* } } */ const char* b = R"x({ )" }}})x"; char c = '{'; char d = '\'';  // }}}
  return static_cast<int>(a.size() + 1'000'000 + (b != nullptr) + c + d);
}

#if 0
int disabled() {
#endif

#ifdef SOME_FEATURE
int two_signatures(int x) {
#else
int two_signatures() {
  const int x = 1;
#endif
  return x;
}

}  // namespace detail

// A long function made of lambdas: all one function, 85 lines.
int made_of_lambdas() {
  int total = 0;
  auto add = [&total](int x) {
    total += x;
    return std::string("}");
  };
  std::function<void()> nested = [&] {
    auto inner = [&]() mutable { total += 1; };
    inner();
  };
  add(0);
  add(1);
  add(2);
  add(3);
  add(4);
  add(5);
  add(6);
  add(7);
  add(8);
  add(9);
  add(10);
  add(11);
  add(12);
  add(13);
  add(14);
  add(15);
  add(16);
  add(17);
  add(18);
  add(19);
  add(20);
  add(21);
  add(22);
  add(23);
  add(24);
  add(25);
  add(26);
  add(27);
  add(28);
  add(29);
  add(30);
  add(31);
  add(32);
  add(33);
  add(34);
  add(35);
  add(36);
  add(37);
  add(38);
  add(39);
  add(40);
  add(41);
  add(42);
  add(43);
  add(44);
  add(45);
  add(46);
  add(47);
  add(48);
  add(49);
  add(50);
  add(51);
  add(52);
  add(53);
  add(54);
  add(55);
  add(56);
  add(57);
  add(58);
  add(59);
  add(60);
  add(61);
  add(62);
  add(63);
  add(64);
  add(65);
  add(66);
  add(67);
  add(68);
  add(69);
  add(70);
  add(71);
  nested();
  return total;
}

class Table {
 public:
  // A constructor with brace member initializers: 3 lines.
  explicit Table(int n) : rows_{n}, names_{"{", "}"} {
    rows_ += 1;
  }

  // A member function defined in its class, over the limit: 83 lines.
  int long_member() const {
    int total = rows_;
    total += 0;
    total += 1;
    total += 2;
    total += 3;
    total += 4;
    total += 5;
    total += 6;
    total += 7;
    total += 8;
    total += 9;
    total += 10;
    total += 11;
    total += 12;
    total += 13;
    total += 14;
    total += 15;
    total += 16;
    total += 17;
    total += 18;
    total += 19;
    total += 20;
    total += 21;
    total += 22;
    total += 23;
    total += 24;
    total += 25;
    total += 26;
    total += 27;
    total += 28;
    total += 29;
    total += 30;
    total += 31;
    total += 32;
    total += 33;
    total += 34;
    total += 35;
    total += 36;
    total += 37;
    total += 38;
    total += 39;
    total += 40;
    total += 41;
    total += 42;
    total += 43;
    total += 44;
    total += 45;
    total += 46;
    total += 47;
    total += 48;
    total += 49;
    total += 50;
    total += 51;
    total += 52;
    total += 53;
    total += 54;
    total += 55;
    total += 56;
    total += 57;
    total += 58;
    total += 59;
    total += 60;
    total += 61;
    total += 62;
    total += 63;
    total += 64;
    total += 65;
    total += 66;
    total += 67;
    total += 68;
    total += 69;
    total += 70;
    total += 71;
    total += 72;
    total += 73;
    total += 74;
    total += 75;
    total += 76;
    total += 77;
    total += 78;
    return total;
  }

 private:
  int rows_;
  std::string names_[2];
  struct Inner {
    int x{0};
  } inner_{};
};

// A lambda with a name at namespace scope is a function: 86 lines.
const auto named_lambda = [](int start) {
  int total = start;
  total += 0;
  total += 1;
  total += 2;
  total += 3;
  total += 4;
  total += 5;
  total += 6;
  total += 7;
  total += 8;
  total += 9;
  total += 10;
  total += 11;
  total += 12;
  total += 13;
  total += 14;
  total += 15;
  total += 16;
  total += 17;
  total += 18;
  total += 19;
  total += 20;
  total += 21;
  total += 22;
  total += 23;
  total += 24;
  total += 25;
  total += 26;
  total += 27;
  total += 28;
  total += 29;
  total += 30;
  total += 31;
  total += 32;
  total += 33;
  total += 34;
  total += 35;
  total += 36;
  total += 37;
  total += 38;
  total += 39;
  total += 40;
  total += 41;
  total += 42;
  total += 43;
  total += 44;
  total += 45;
  total += 46;
  total += 47;
  total += 48;
  total += 49;
  total += 50;
  total += 51;
  total += 52;
  total += 53;
  total += 54;
  total += 55;
  total += 56;
  total += 57;
  total += 58;
  total += 59;
  total += 60;
  total += 61;
  total += 62;
  total += 63;
  total += 64;
  total += 65;
  total += 66;
  total += 67;
  total += 68;
  total += 69;
  total += 70;
  total += 71;
  total += 72;
  total += 73;
  total += 74;
  total += 75;
  total += 76;
  total += 77;
  total += 78;
  total += 79;
  total += 80;
  total += 81;
  return total;
};

// Operators and out-of-class definitions.
struct Point {
  int x, y;
  bool operator==(const Point& o) const { return x == o.x && y == o.y; }
  int operator()(int k) const;
  explicit operator bool() const { return x != 0; }
};
int Point::operator()(int k) const {
  return k * x + y;
}

}  // namespace fixture

extern "C" int fixture_entry(const char* data) {
  return data[0] == '}';
}
