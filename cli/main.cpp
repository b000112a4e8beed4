// The orgsim executable: the command line of orgsim/cli/cli.hpp, which lists the commands.
#include "orgsim/cli/cli.hpp"

int main(int argc, char** argv) {
  return orgsim::cli::main(argc, argv);
}
