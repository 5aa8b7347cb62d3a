using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// Issue 14, attack 3: User2 pinned to Alice's key dials a fake responder (a real User1 with a key of its own
/// and the same PSK). A tap records every byte User2 sends: frame 1 and an abort, never frame 3 or 4.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class PinBeforeProofTests(ITestOutputHelper output) : EndToEndTest(output)
{
    private const string Variable = "SECURECHAT_E2E_PSK";
    private const string Psk = "3f8e2c1d9b7a6054e3d2c1b0a99887766554433221100ffeeddccbbaa9988776";

    [Fact]
    public async Task PinnedUser2_FakeResponderWithItsOwnKey_SendsNoKeyOrFinishFrame()
    {
        string alice = await Sandbox.FingerprintAsync(ChatApp.User1, Sandbox.NewHome("alice"));
        int port = ChatSandbox.FreePort();
        var environment = new Dictionary<string, string> { [Variable] = Psk };
        ChatProcess fake = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("mallory"), ["--once", "--psk-env", Variable, "--wait", ReceiptWait], environment);
        await using var tap = new WireTap(port);

        ChatProcess user2 = Sandbox.StartConnector(tap.Port, Sandbox.NewHome("user2"), ["--psk-env", Variable, "--peer-fingerprint", alice, "--wait", ReceiptWait], environment);
        int exit = await user2.WaitForExitAsync();
        await tap.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        exit.Should().Be(77, user2.Transcript);
        user2.StderrText.Should().Contain($"not the pinned {alice}");
        FrameTypes(tap.ToListener).Should().Equal(["hello", "abort"], "nothing keyed by the PSK may reach a responder that is not the pinned one");
        fake.Stdout.Should().BeEmpty();
    }

    private static List<string> FrameTypes(byte[] wire)
    {
        var types = new List<string>();
        for (int at = 0; at + 4 <= wire.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(at));
            using JsonDocument frame = JsonDocument.Parse(Encoding.UTF8.GetString(wire, at + 4, length));
            types.Add(frame.RootElement.GetProperty("type").GetString()!);
            at += 4 + length;
        }

        return types;
    }
}
