using SecureChat.Crypto.Protection;
using SecureChat.Crypto.Secrets;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Handshake;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// Issue 14, attack 3: an initiator that expects a particular responder checks the key in frame 2 before it
/// sends frame 3 or 4, so a fake responder (its own RSA key) never gets frame 4's PSK-keyed confirmation to
/// test PSK guesses against offline.
/// </summary>
public sealed class PinBeforeProofTests
{
    [Fact]
    public async Task Initiate_ExpectedKeyIsNotTheResponders_OnlyHelloAndRefusedAbortLeave()
    {
        using Secret psk = Secret.Copy("correct horse battery staple, long enough"u8);
        SessionOptions bob = Bob(psk, expect: peer => peer.Fingerprint.Equals(TestIdentities.Alice.Fingerprint));

        (Task<SecureSession> initiating, Task<List<string>> captured) = AgainstFakeResponder(bob, psk);

        await FluentActions.Awaiting(() => initiating).Should().ThrowAsync<IdentityRefusedException>().WithMessage("*before proving anything*");
        (await captured).Should().Equal("hello", "abort:refused");
    }

    [Fact]
    public async Task Initiate_NoExpectation_KeyAndFinishReachTheFakeResponder()
    {
        // The control: without the expectation the same fake responder gets frames 3 and 4, so the test above can fail.
        using Secret psk = Secret.Copy("correct horse battery staple, long enough"u8);
        SessionOptions bob = Bob(psk, expect: null);

        (Task<SecureSession> initiating, Task<List<string>> captured) = AgainstFakeResponder(bob, psk);

        await FluentActions.Awaiting(() => initiating).Should().ThrowAsync<SessionException>();
        (await captured).Should().StartWith(["hello", "key", "finish"]);
    }

    private static SessionOptions Bob(Secret psk, Func<PeerIdentity, bool>? expect) => new()
    {
        Identity = TestIdentities.Bob,
        Name = "bob",
        TrustPeer = (_, _) => ValueTask.FromResult(true),
        PreSharedKey = psk,
        ExpectResponder = expect,
        HandshakeTimeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>Mallory answers frame 1 honestly with her own key, then records the type of every frame the initiator sends until it closes.</summary>
    private static (Task<SecureSession> Initiating, Task<List<string>> Captured) AgainstFakeResponder(SessionOptions initiator, Secret psk)
    {
        (DuplexStream client, DuplexStream server) = DuplexStream.CreatePair();
        Task<List<string>> captured = Task.Run(async () =>
        {
            await using (server)
            {
                using var mallory = new ResponderHandshake(TestIdentities.Mallory, "alice", [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256], psk, HandshakeEntropy.System);
                var reader = new FrameReader(server);
                var writer = new FrameWriter(server);
                var types = new List<string>();
                Frame hello = (await reader.ReadFrameAsync(FrameCodec.DefaultMaxHandshakePayload, TimeSpan.FromMinutes(1), CancellationToken.None)).GetValueOrDefault();
                types.Add(FrameJson.ReadType(hello.Payload.Span));
                await writer.WriteFrameAsync(mallory.ReadHelloAndCreateHello(hello), CancellationToken.None);
                while (await reader.ReadFrameAsync(FrameCodec.DefaultMaxHandshakePayload, TimeSpan.FromMinutes(1), CancellationToken.None) is { } frame)
                {
                    string type = FrameJson.ReadType(frame.Payload.Span);
                    types.Add(type == AbortFrame.TypeName ? $"abort:{AbortName(frame)}" : type);
                    if (type == "finish")
                    {
                        break; // what an offline guesser needs has arrived
                    }
                }

                return types;
            }
        });
        return (SecureSession.InitiateAsync(client, initiator, new Conversation()), captured);
    }

    private static string AbortName(Frame frame) => FrameJson.ParseAbort(frame.Payload.Span).Reason switch
    {
        AbortReason.Refused => "refused",
        AbortReason r => r.ToString(),
    };
}
