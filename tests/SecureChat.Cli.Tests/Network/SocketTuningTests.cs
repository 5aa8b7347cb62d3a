using SecureChat.Cli.Network;

namespace SecureChat.Cli.Tests.Network;

/// <summary>The apps turn on inline socket completions unless the environment already chose.</summary>
public sealed class SocketTuningTests
{
    [Theory]
    [InlineData(null, "1")]
    [InlineData("0", "0")]
    [InlineData("1", "1")]
    public void PreferInlineCompletions_KeepsAnExplicitChoice(string? before, string after)
    {
        string? saved = Environment.GetEnvironmentVariable(SocketTuning.InlineCompletionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketTuning.InlineCompletionsVariable, before);
            SocketTuning.PreferInlineCompletions();
            Environment.GetEnvironmentVariable(SocketTuning.InlineCompletionsVariable).Should().Be(after);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketTuning.InlineCompletionsVariable, saved);
        }
    }
}
