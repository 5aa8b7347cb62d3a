using Microsoft.Extensions.Logging;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Trust;
using SecureChat.Crypto.Protection;

namespace SecureChat.Cli.Tests.Infrastructure;

/// <summary>The settings of a User1 run in memory by the listener tests: loopback, one home, no logs.</summary>
internal static class ListenerSettings
{
    public static ChatSettings For(string home, int port, TrustPolicy trust = TrustPolicy.AcceptNew) => new()
    {
        Role = ChatRole.Listener,
        ProgramName = "User1",
        Host = "127.0.0.1",
        Port = port,
        Home = home,
        Name = "User1",
        Trust = trust,
        Suites = [MessageSuite.AesCbcHmacSha256, MessageSuite.AesCbcBlake2b256],
        Verbosity = LogLevel.None,
        ReceiptWait = TimeSpan.FromSeconds(2),
    };
}
