// `dane`: DNS, DNSSEC and DANE from the command line. Subcommands register themselves
// (see tool.hpp); this file only dispatches.
#include <iostream>
#include <string_view>
#include <vector>

#include "tool.hpp"

int main(int argc, char** argv) {
    using namespace dane_tool;
    std::vector<std::string_view> all(argv + 1, argv + argc);
    auto& commands = registry();
    if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
        std::cout << "usage: dane COMMAND [ARGS]\n\ncommands:\n";
        for (const auto& [name, info] : commands)
            std::cout << "  dane " << info.usage << "\n      " << info.summary << "\n";
        return all.empty() ? exit_usage : exit_ok;
    }
    auto it = commands.find(all[0]);
    if (it == commands.end()) return usage_error("unknown command '" + std::string(all[0]) + "'");
    return it->second.run(args(all).subspan(1));
}
