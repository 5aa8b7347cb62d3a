namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>
/// A User1 home and a User2 home whose keys are made once for the process tests' collection, so that each
/// test using them costs a handshake rather than two RSA-3072 key generations. Deleted afterwards.
/// </summary>
public sealed class PreparedHomes : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "securechat-homes-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Makes both keys.</summary>
    public PreparedHomes()
    {
        foreach ((ChatApp app, string home) in new[] { (ChatApp.User1, User1), (ChatApp.User2, User2) })
        {
            using ChatProcess key = ChatProcess.Start($"{app} key generate", app, ["key", "generate", "--home", home]);
            key.CloseInput();
            key.WaitForExitAsync().GetAwaiter().GetResult().Should().Be(0, key.Transcript);
        }
    }

    /// <summary>User1's home.</summary>
    public string User1 => Path.Combine(_root, "user1");

    /// <summary>User2's home.</summary>
    public string User2 => Path.Combine(_root, "user2");

    /// <summary>Deletes both homes.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created.
        }
    }
}
