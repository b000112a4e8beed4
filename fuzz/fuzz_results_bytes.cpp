// libFuzzer target: the fuzzer's bytes are a results file (seeds: small valid files written by
// orgsim, fuzz/corpus/results_bytes). orgsim must reject every broken file with an orgsim::Error.
#include "results_fuzz.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = orgsim::fuzz::scratch_path();
  orgsim::fuzz::write_file(path, data, size);
  orgsim::fuzz::read_like_the_commands(path);
  return 0;
}
