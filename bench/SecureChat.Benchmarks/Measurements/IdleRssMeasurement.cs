// Memory a conversation costs while nobody types. The measured process holds one end, the server's
// (as User1 holds its conversation, listener still open), with a receive pending; the client end stays
// in the worker. After the settle time the holder collects its garbage, rests briefly, and says so; then
// VmRSS is read from /proc/<pid>/status. The holder runs with its variant's environment, like the worker.
using SecureChat.Benchmarks.Variants;
using SecureChat.Benchmarks.Workers;

namespace SecureChat.Benchmarks.Measurements;

/// <summary>idle-rss-mb: the resident set of a process holding one idle conversation, in MiB.</summary>
internal sealed class IdleRssMeasurement : IMeasurement
{
    /// <inheritdoc />
    public string Name => "idle";

    /// <inheritdoc />
    public string Operation => "idle conversation";

    /// <inheritdoc />
    public IReadOnlyList<Metric> Metrics { get; } = [new("idle-rss-mb", "MB")];

    /// <inheritdoc />
    public async Task<MeasurementOutcome> RunAsync(MeasurementContext context, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Process holder = IdleHolder.Start(context);
        try
        {
            TimeSpan patience = context.Profile.IdleSettle + TimeSpan.FromSeconds(30);
            int port = IdleHolder.ParsePort(await ChildProcess.ReadLineAsync(holder, patience, cancellationToken).ConfigureAwait(false));
            IConversationEnd client = await context.Transport.ConnectAsync(await LoopbackListener.ConnectAsync(port, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Task receipts = Conversation.DrainAsync(client);
            try
            {
                await client.SendAsync(ChatText.Ascii(ChatText.ChatMessageBytes)).ConfigureAwait(false);
                IdleHolder.ExpectSettled(await ChildProcess.ReadLineAsync(holder, patience, cancellationToken).ConfigureAwait(false));
                return new MeasurementOutcome([ResidentSet.MebibytesOf(holder.Id)], Cost: null);
            }
            finally
            {
                await ChildProcess.StopAsync(holder, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                await client.DisposeAsync().ConfigureAwait(false);
                await Conversation.ForgetAsync(receipts).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }
}
