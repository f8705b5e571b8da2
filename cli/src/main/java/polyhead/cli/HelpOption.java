package polyhead.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help}, "this text", as the commands of this package list it: a picocli mixin, taken in with
 * {@code @Mixin} where the command wants it in its option list.
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
    boolean help;
}
