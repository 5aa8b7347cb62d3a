using SecureChat.Cli.Home;

namespace SecureChat.Cli.Tests.Home;

public sealed class ChatHomeTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SECURECHAT_HOME"] = "/tmp/from-variable",
        ["XDG_CONFIG_HOME"] = "/tmp/xdg",
    };

    [Fact]
    public void Resolve_HomeOption_WinsOverEverything()
    {
        ChatHome.Resolve("/tmp/from-option", "User1", Environment.GetValueOrDefault).Directory.Should().Be("/tmp/from-option");
    }

    [Fact]
    public void Resolve_Variable_WinsOverXdg()
    {
        ChatHome.Resolve(null, "User1", Environment.GetValueOrDefault).Directory.Should().Be("/tmp/from-variable");
    }

    [Fact]
    public void Resolve_XdgConfigHome_KeepsEachNameApart()
    {
        Func<string, string?> xdgOnly = name => name == "XDG_CONFIG_HOME" ? "/tmp/xdg" : null;

        ChatHome.Resolve(null, "User1", xdgOnly).Directory.Should().Be("/tmp/xdg/securechat/user1");
        ChatHome.Resolve(null, "User2", xdgOnly).Directory.Should().Be("/tmp/xdg/securechat/user2");
    }

    [Fact]
    public void Resolve_NameWithPathCharacters_StaysInsideTheConfigFolder()
    {
        Func<string, string?> xdgOnly = name => name == "XDG_CONFIG_HOME" ? "/tmp/xdg" : null;

        ChatHome.Resolve(null, "../../etc", xdgOnly).Directory.Should().StartWith("/tmp/xdg/securechat/").And.NotContain("/../");
        ChatHome.Resolve(null, "..", xdgOnly).Directory.Should().Be("/tmp/xdg/securechat/default");
    }

    [Fact]
    public void Resolve_NoVariables_UsesDotConfigInTheUserProfile()
    {
        ChatHome.Resolve(null, "User1", _ => null).Directory.Should().EndWith(Path.Combine(".config", "securechat", "user1"));
    }
}
