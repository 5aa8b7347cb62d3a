namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>
/// Every test that starts processes runs in this one collection, one at a time: on a two-core machine,
/// several pairs of apps starting together make the timing-sensitive waits flaky. The collection shares
/// one pair of <see cref="PreparedHomes"/>, for the classes that need keys but not a first contact.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests : ICollectionFixture<PreparedHomes>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Processes";
}
