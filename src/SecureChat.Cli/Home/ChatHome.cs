// Where a user's state lives: the identity key and the known peers. --home or SECURECHAT_HOME names the
// folder itself; otherwise it is $XDG_CONFIG_HOME/securechat/<name>/ or ~/.config/securechat/<name>/,
// so User1 and User2 on one machine keep apart by their names.
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;

namespace SecureChat.Cli.Home;

/// <summary>The folder that holds one user's identity key and known peers.</summary>
public sealed class ChatHome
{
    /// <summary>The environment variable that moves all state elsewhere.</summary>
    public const string HomeVariable = "SECURECHAT_HOME";

    private ChatHome(string directory) => Directory = directory;

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The identity key file (PKCS#8 PEM, mode 0600).</summary>
    public string IdentityKeyPath => Path.Combine(Directory, "identity.pem");

    /// <summary>The known-peers file.</summary>
    public string KnownPeersPath => Path.Combine(Directory, "known_peers");

    /// <summary>Resolves the folder from <c>--home</c>, then <c>SECURECHAT_HOME</c>, then the XDG rule.</summary>
    public static ChatHome Resolve(string? homeOption, string name, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(homeOption))
        {
            return new ChatHome(Path.GetFullPath(homeOption));
        }

        if (environment(HomeVariable) is { Length: > 0 } fromEnvironment)
        {
            return new ChatHome(Path.GetFullPath(fromEnvironment));
        }

        string config = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new ChatHome(Path.Combine(config, "securechat", SafeFolderName(name)));
    }

    /// <summary>Loads the identity key, creating one on first run. <paramref name="created"/> says which.</summary>
    /// <exception cref="KeyFileException">The file exists but cannot be used (unreadable, too open, malformed).</exception>
    public IdentityKey LoadOrCreateIdentity(out bool created)
    {
        if (File.Exists(IdentityKeyPath))
        {
            created = false;
            return IdentityKey.Load(IdentityKeyPath);
        }

        IdentityKey key = IdentityKey.Generate();
        try
        {
            key.Save(IdentityKeyPath);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        created = true;
        return key;
    }

    /// <summary>Replaces the identity key with a new one (the old file is overwritten).</summary>
    public IdentityKey RotateIdentity()
    {
        IdentityKey key = IdentityKey.Generate();
        try
        {
            key.Save(IdentityKeyPath, overwrite: true);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        return key;
    }

    private static string SafeFolderName(string name)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        string safe = new(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : char.ToLowerInvariant(c)).ToArray());
        return safe is "." or ".." or "" ? "default" : safe;
    }
}
