namespace SecureChat.Cli.Tests;

public sealed class ChatApplicationTests
{
    [Theory]
    [InlineData(ChatRole.Listener, "User1")]
    [InlineData(ChatRole.Connector, "User2")]
    public void Run_BeforeTheChatExists_SaysSoAndExitsUnavailable(ChatRole role, string name)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = ChatApplication.Run(role, [], output, error);

        exitCode.Should().Be(ExitCode.Unavailable);
        output.ToString().Should().StartWith($"SecureChat {name} ");
        error.ToString().Should().Contain($"{name} cannot chat yet").And.Contain("dotnet test");
    }
}
