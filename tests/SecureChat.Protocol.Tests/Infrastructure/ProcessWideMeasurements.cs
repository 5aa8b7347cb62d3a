namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>
/// Tests that measure something process-wide (bytes allocated by every thread) run alone, after the
/// parallel ones: a neighbouring test's allocations would otherwise be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    public const string Name = "ProcessWide";
}
