// A User2 built directly on the protocol library, for what the real app never sends: a file offered
// under a name no file on disk can have (../../etc/passwd, C:\x, 4,000 characters). It connects to the
// real User1, offers a file under exactly the name given, sends its chunks, and reports User1's verdict.
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using SecureChat.Crypto.Identity;
using SecureChat.Protocol.Session;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>A test-only connector that offers files under names of its choosing.</summary>
public sealed class ProtocolPeer : IAsyncDisposable
{
    private readonly IdentityKey _identity;
    private readonly SecureSession _session;
    private readonly Channel<SessionEvent> _events = Channel.CreateUnbounded<SessionEvent>();
    private readonly Task _reading;

    private ProtocolPeer(IdentityKey identity, SecureSession session)
    {
        _identity = identity;
        _session = session;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>
    /// Connects to User1 on <paramref name="port"/> as <paramref name="name"/> with the identity key in
    /// <paramref name="home"/> (a User2 home), trusting whoever answers, and starts a new conversation.
    /// </summary>
    public static async Task<ProtocolPeer> ConnectAsync(int port, string home, string name)
    {
        IdentityKey identity = IdentityKey.Load(Path.Combine(home, "identity.pem"));
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            var options = new SessionOptions { Identity = identity, Name = name, TrustPeer = (_, _) => ValueTask.FromResult(true) };
            SecureSession session = await SecureSession.InitiateAsync(client.GetStream(), options, new Conversation());
            return new ProtocolPeer(identity, session);
        }
        catch
        {
            client.Dispose();
            identity.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Offers <paramref name="content"/> as <paramref name="offeredName"/>, sends it if accepted, and returns
    /// how it ended: <see cref="FileVerified"/> or <see cref="FileRejected"/>.
    /// </summary>
    public async Task<SessionEvent> SendFileAsync(string offeredName, byte[] content, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? ChatProcess.DefaultTimeout);
        ulong id = await _session.OfferFileAsync(offeredName, content.Length, SHA256.HashData(content), deadline.Token);
        SessionEvent answer = await NextAsync(e => e is FileAccepted a && a.File == id || e is FileRejected r && r.File == id, deadline.Token);
        if (answer is not FileAccepted accepted)
        {
            return answer;
        }

        long offset = accepted.Offset;
        do
        {
            int length = (int)Math.Min(SecureSession.MaxFileChunkBytes, content.Length - offset);
            await _session.SendFileChunkAsync(id, offset, content.AsMemory((int)offset, length), deadline.Token);
            offset += length;
        }
        while (offset < content.Length);

        return await NextAsync(e => e is FileVerified v && v.File == id || e is FileRejected r && r.File == id, deadline.Token);
    }

    /// <summary>Says goodbye and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _session.CloseAsync();
        await _session.DisposeAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _identity.Dispose();
    }

    private async Task<SessionEvent> NextAsync(Func<SessionEvent, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            SessionEvent item = await _events.Reader.ReadAsync(cancellationToken);
            if (match(item))
            {
                return item;
            }
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (SessionEvent item in _session.ReadEventsAsync())
            {
                await _events.Writer.WriteAsync(item);
            }

            _events.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _events.Writer.TryComplete(e);
        }
    }
}
