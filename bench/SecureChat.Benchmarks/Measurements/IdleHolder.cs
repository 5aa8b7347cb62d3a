// The process whose memory idle-rss-mb reports (see IdleRssMeasurement). It says "port N" once it
// listens, "settled" once the conversation is established, idle and collected, and ends when its stdin
// closes.
using System.Diagnostics;
using System.Globalization;
using SecureChat.Benchmarks.Compare;
using SecureChat.Benchmarks.Variants;
using SecureChat.Benchmarks.Workers;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>Holds one idle conversation in a process of its own.</summary>
internal static class IdleHolder
{
    /// <summary>The hidden command that runs it.</summary>
    public const string Command = "__idle";

    private const string PortPrefix = "port ";
    private const string Settled = "settled";

    /// <summary>Starts a holder for the context's variant and profile.</summary>
    public static Process Start(MeasurementContext context) => ChildProcess.Start(
        [Command, context.Variant.Name, context.Credentials.Folder, context.Profile.Name],
        context.Variant.Environment);

    /// <summary>The holder's side: listen, accept one conversation, sit, collect, report, wait.</summary>
    public static async Task<int> RunAsync(VariantSetup variant, BenchCredentials credentials, CompareProfile profile)
    {
        using IChatTransport transport = ChatTransports.Create(variant, credentials);
        using var listener = new LoopbackListener();
        Console.WriteLine(PortPrefix + listener.Port.ToString(CultureInfo.InvariantCulture));
        using var deadline = new CancellationTokenSource(profile.MeasurementTimeout);
        IConversationEnd end = await transport.AcceptAsync(await listener.AcceptAsync(deadline.Token).ConfigureAwait(false), deadline.Token).ConfigureAwait(false);
        Task waiting = Task.CompletedTask;
        try
        {
            await Conversation.NextTextAsync(end).ConfigureAwait(false);
            waiting = Conversation.DrainAsync(end); // a chat waits for the next line
            await Task.Delay(profile.IdleSettle).ConfigureAwait(false);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            Console.WriteLine(Settled);
            await Console.In.ReadLineAsync().ConfigureAwait(false);
        }
        finally
        {
            await end.DisposeAsync().ConfigureAwait(false);
            await Conversation.ForgetAsync(waiting).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The port in the holder's first line.</summary>
    public static int ParsePort(string line) =>
        line.StartsWith(PortPrefix, StringComparison.Ordinal) && int.TryParse(line.AsSpan(PortPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            ? port
            : throw new InvalidDataException($"The idle holder said \"{line}\", not its port.");

    /// <summary>Checks the holder's second line.</summary>
    public static void ExpectSettled(string line)
    {
        if (line != Settled)
        {
            throw new InvalidDataException($"The idle holder said \"{line}\", not \"{Settled}\".");
        }
    }
}
