using System.Reflection;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Logging;

namespace SecureChat.Cli.Tests.Logging;

/// <summary>Issue 16 item 5: each log line has its own named event id, so a filter keyed on one finds only that line.</summary>
public sealed class EventIdsTests
{
    [Fact]
    public void EveryLogLine_UsesANamedEventId_NoTwoAlike()
    {
        int[] named = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToArray();
        int[] used = typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToArray();

        named.Should().OnlyHaveUniqueItems();
        used.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(named);
    }
}
