// How the apps run their sockets. By default .NET completes each socket operation on its event thread
// and hands the continuation to the thread pool: every record received costs a thread wake-up before
// any of our code runs, several times the cost of the record's cryptography (measured in
// docs/benchmarks.md). A chat has one conversation and does no blocking work in its continuations (the
// keyboard and stdin are read on their own threads), so the apps run continuations on the event thread,
// as latency-sensitive .NET servers do. The runtime reads the setting once, when the first socket
// operation starts the event engine, so it must be made before that.

namespace SecureChat.Cli.Network;

/// <summary>The process-wide socket setting the apps ship with.</summary>
public static class SocketTuning
{
    /// <summary>The runtime's switch for running socket continuations inline.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the socket event thread, unless the environment already decided
    /// (set the variable to 0 to opt out). Call first thing in Main, before any socket is used.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
