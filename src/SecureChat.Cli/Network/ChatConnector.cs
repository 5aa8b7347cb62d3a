// User2's side of the connection: dial User1, retrying with a capped exponential backoff when asked to.
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Logging;

namespace SecureChat.Cli.Network;

/// <summary>Connects to the listener, with optional retries.</summary>
public static class ChatConnector
{
    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    /// <summary>
    /// A connected stream to <paramref name="host"/>:<paramref name="port"/>, or <see langword="null"/> when nobody
    /// answered after <paramref name="retries"/> more attempts (each failure is reported through <paramref name="report"/>).
    /// </summary>
    public static async Task<NetworkStream?> ConnectAsync(string host, int port, int retries, ILogger logger, Action<string> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
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
                    report(why);
                    return null;
                }

                report($"{why} Trying again in {backoff.TotalSeconds:0.#} s (attempt {attempt + 1} of {retries + 1}).");
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            finally
            {
                socket?.Dispose();
            }
        }
    }
}
