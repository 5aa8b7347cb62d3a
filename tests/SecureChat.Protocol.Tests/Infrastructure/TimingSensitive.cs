namespace SecureChat.Protocol.Tests.Infrastructure;

/// <summary>
/// Tests whose outcome depends on timers firing roughly on time run alone, after the parallel ones:
/// beside the CPU-bound tamper tests, a two-core machine can delay a timer by seconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing";
}
