// User2's side of the connection: dial User1 and run the handshake. A first connection retries only when
// nobody listens (--retry, backing off 0.5 s doubling to 8 s); after a dropped connection (--reconnect) every
// failure that another attempt could cure (Failures.Classify says which) is retried, backing off 0.25 s
// doubling to 10 s, up to --reconnect-attempts.
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Logging;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;

namespace SecureChat.Cli.Network;

/// <summary>How dialling ended: a session, or the failure and, when reconnecting gave up, after how many attempts.</summary>
/// <param name="Session">The established session, or null.</param>
/// <param name="Failure">Why there is no session.</param>
/// <param name="GaveUpAfter">When reconnecting gave up, the attempts made; null for a first connection or Ctrl+C.</param>
internal sealed record DialOutcome(SecureSession? Session, Failure? Failure, int? GaveUpAfter);

/// <summary>Connects to the listener and runs the initiator's handshake.</summary>
internal sealed class Dialer(ChatSettings settings, IChatEvents events, ILogger logger)
{
    /// <summary>The longest wait between two attempts of a first connection.</summary>
    public static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromSeconds(8);

    /// <summary>The longest wait between two reconnect attempts.</summary>
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(10);

    /// <summary>The first connection: nobody listening is retried --retry times; any other failure ends it.</summary>
    public async Task<DialOutcome> ConnectAsync(SessionOptions options, Conversation conversation, CancellationToken cancellationToken)
    {
        (SecureSession? session, Failure? failure) = await OpenAsync(options, conversation, settings.Retries, cancellationToken).ConfigureAwait(false);
        return new DialOutcome(session, failure, null);
    }

    /// <summary>After a dropped connection: waits, then tries again while the failure is one another attempt could cure.</summary>
    public async Task<DialOutcome> ReconnectAsync(SessionOptions options, Conversation conversation, CancellationToken cancellationToken)
    {
        events.Publish(new ConnectionLostReconnecting(ReconnectDelay(1)));
        for (int reconnect = 1; ; reconnect++)
        {
            if (!await WaitAsync(ReconnectDelay(reconnect), cancellationToken).ConfigureAwait(false))
            {
                return new DialOutcome(null, GaveUp(), reconnect - 1);
            }

            (SecureSession? session, Failure? failure) = await OpenAsync(options, conversation, retries: 0, cancellationToken, quiet: true).ConfigureAwait(false);
            if (session is not null || cancellationToken.IsCancellationRequested)
            {
                return new DialOutcome(session, failure, null);
            }

            // One line per attempt, its reason on it (issue 17 item 9); a success says "Reconnected" instead.
            bool last = !failure!.Retryable || reconnect >= settings.ReconnectAttempts;
            events.Publish(new ReconnectAttemptFailed(reconnect, settings.ReconnectAttempts, failure.Sentence, last ? null : ReconnectDelay(reconnect + 1)));
            if (last)
            {
                return new DialOutcome(null, failure, reconnect);
            }
        }
    }

    /// <summary>The wait before reconnect attempt <paramref name="reconnect"/> (1, 2, …): 0.25 s, doubling, at most 10 s.</summary>
    private static TimeSpan ReconnectDelay(int reconnect) =>
        TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, reconnect - 1), MaxReconnectDelay.TotalMilliseconds));

    /// <summary>Waits; false on Ctrl+C.</summary>
    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Failure GaveUp() => Failures.Classify(new UnreachableException($"Gave up reconnecting to {settings.Host}:{settings.Port}."));

    /// <summary>One connection (with <paramref name="retries"/> more tries if nobody listens) and handshake.</summary>
    private async Task<(SecureSession? Session, Failure? Failure)> OpenAsync(SessionOptions options, Conversation conversation, int retries, CancellationToken cancellationToken, bool quiet = false)
    {
        string peer = $"User1 at {settings.Host}:{settings.Port}";
        NetworkStream? stream = null;
        try
        {
            stream = await DialAsync(retries, cancellationToken).ConfigureAwait(false);
            SecureSession session = await SecureSession.InitiateAsync(stream, options, conversation, cancellationToken).ConfigureAwait(false);
            stream = null; // the session owns it now
            return (session, null);
        }
        catch (Exception e)
        {
            Failure failure = Failures.Classify(e, peer);
            if (e is not OperationCanceledException)
            {
                Log.FailureDetail(logger, e);
            }

            // The trust decision has said why it refused; Ctrl+C needs no sentence.
            if (!quiet && e is not (IdentityRefusedException or OperationCanceledException))
            {
                events.Publish(new FailureNoticed(failure.Sentence));
            }

            return (null, failure);
        }
        finally
        {
            stream?.Dispose();
        }
    }

    /// <summary>A connected stream; when nobody answers after <paramref name="retries"/> more attempts, <see cref="UnreachableException"/>.</summary>
    private async Task<NetworkStream> DialAsync(int retries, CancellationToken cancellationToken)
    {
        string host = settings.Host;
        int port = settings.Port;
        TimeSpan backoff = TimeSpan.FromMilliseconds(500);
        for (int attempt = 1; ; attempt++)
        {
            Log.Connecting(logger, host, port, attempt);
            Socket? socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
                var stream = new NetworkStream(socket, ownsSocket: true);
                socket = null;
                return stream;
            }
            catch (SocketException e)
            {
                string why = e.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => $"Nobody is listening on {host}:{port}. Start User1 first, or check --host and --port.",
                    SocketError.HostNotFound or SocketError.NoData => $"The host {host} was not found. Check --host.",
                    SocketError.TimedOut => $"{host}:{port} did not answer. Check --host, --port and the network.",
                    _ => $"Could not connect to {host}:{port}: {e.Message}",
                };
                if (attempt > retries)
                {
                    throw new UnreachableException(why, e);
                }

                events.Publish(new DialAttemptFailed(attempt, retries + 1, why, backoff));
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxRetryBackoff.Ticks));
            }
            finally
            {
                socket?.Dispose();
            }
        }
    }
}
