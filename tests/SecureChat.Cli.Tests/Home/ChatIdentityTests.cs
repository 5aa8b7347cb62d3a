using SecureChat.Cli.Commands;
using SecureChat.Cli.Home;
using SecureChat.Cli.Tests.Commands;
using SecureChat.Cli.Tests.Infrastructure;

namespace SecureChat.Cli.Tests.Home;

/// <summary>Issue 16 item 4: identity and PSK are one disposable owner; disposing it wipes both.</summary>
public sealed class ChatIdentityTests : IDisposable
{
    private const string Variable = "SECURECHAT_TEST_PSK";
    private const string StrongPsk = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Load_PskFromTheEnvironment_IsHeld_AndDisposeWipesKeyAndPsk()
    {
        ChatSettings settings = ListenerSettings.For(_home.Path, 1) with { PskVariable = Variable };

        ChatIdentity identity = ChatIdentity.Load(settings, name => name == Variable ? StrongPsk : null);
        identity.Created.Should().BeTrue();
        identity.PreSharedKey!.Span.ToArray().Should().Equal(System.Text.Encoding.UTF8.GetBytes(StrongPsk));
        identity.Dispose();

        FluentActions.Invoking(() => identity.PreSharedKey!.Span.Length).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => identity.Key.Unwrap(new byte[256])).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Load_WeakPskInTheEnvironment_IsAConfigurationErrorNamingTheRemedy()
    {
        ChatSettings settings = ListenerSettings.For(_home.Path, 1) with { PskVariable = Variable };

        Action load = () => ChatIdentity.Load(settings, name => name == Variable ? "1234" : null).Dispose();

        load.Should().Throw<ConfigurationException>().WithMessage($"*too weak*export {Variable}=*");
    }

    [Fact]
    public void Load_PskVariableUnset_IsAConfigurationError()
    {
        ChatSettings settings = ListenerSettings.For(_home.Path, 1) with { PskVariable = Variable };

        Action load = () => ChatIdentity.Load(settings, _ => null).Dispose();

        load.Should().Throw<ConfigurationException>().WithMessage($"*{Variable}*not set*");
    }
}
