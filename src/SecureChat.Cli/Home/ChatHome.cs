// Where a user's state lives: the identity key and the known peers. --home or SECURECHAT_HOME names the
// folder itself; otherwise it is $XDG_CONFIG_HOME/securechat/<app>/ or ~/.config/securechat/<app>/ (user1,
// user2), so User1 and User2 on one machine keep two identities, and --name, a label, never moves it: a key
// that followed --name would make a second identity, and its owner's peers would see an impersonation warning.
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;

namespace SecureChat.Cli.Home;

/// <summary>The folder that holds one user's identity key and known peers.</summary>
public sealed class ChatHome
{
    /// <summary>The environment variable that moves all state elsewhere.</summary>
    public const string HomeVariable = "SECURECHAT_HOME";

    private readonly string? _perNameDirectory;

    private ChatHome(string directory, string? perNameDirectory = null)
    {
        Directory = directory;
        _perNameDirectory = perNameDirectory;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>The identity key file (PKCS#8 PEM, mode 0600).</summary>
    public string IdentityKeyPath => Path.Combine(Directory, "identity.pem");

    /// <summary>The known-peers file.</summary>
    public string KnownPeersPath => Path.Combine(Directory, "known_peers");

    /// <summary>Resolves the folder from <c>--home</c>, then <c>SECURECHAT_HOME</c>, then the XDG rule with the app's name.</summary>
    public static ChatHome Resolve(string? homeOption, string programName, Func<string, string?> environment) =>
        Resolve(homeOption, programName, programName, environment);

    /// <summary>
    /// As <see cref="Resolve(string?, string, Func{string, string?})"/>, remembering the folder that
    /// <c>--name <paramref name="name"/></c> chose in versions that kept one home per name, so that a key left there is not silently
    /// replaced by a new one (see <see cref="ThrowIfIdentityLeftBehind"/>).
    /// </summary>
    public static ChatHome Resolve(string? homeOption, string programName, string name, Func<string, string?> environment)
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
        string directory = Path.Combine(config, "securechat", SafeFolderName(programName));
        string perName = Path.Combine(config, "securechat", SafeFolderName(name));
        return new ChatHome(directory, perName == directory ? null : perName);
    }

    /// <summary>
    /// Refuses to start with a new identity when the app's folder has none but the folder an older version
    /// made for this <c>--name</c> has one: the user's peers know that key. Says exactly how to move it.
    /// </summary>
    /// <exception cref="ConfigurationException">An identity key was left in the per-name folder.</exception>
    public void ThrowIfIdentityLeftBehind()
    {
        if (_perNameDirectory is null || File.Exists(IdentityKeyPath) || !File.Exists(Path.Combine(_perNameDirectory, "identity.pem")))
        {
            return;
        }

        string from = Commands.AppInvocation.ShellWord(_perNameDirectory);
        string to = Commands.AppInvocation.ShellWord(Directory);
        throw new ConfigurationException(
            $"Your identity key is in {_perNameDirectory}, the folder --name chose before; the app now keeps one identity " +
            $"in {Directory} whatever --name says. Move your key and known peers there, then start again: " +
            $"mkdir -p -m 700 {to} && mv -n {from}/* {to}/ && rmdir {from}");
    }

    /// <summary>
    /// StrictModes: refuses (with the exact chmod or chown) when the folder, the identity key, the known peers
    /// or <paramref name="pskFile"/> belongs to another user or may be written by others.
    /// </summary>
    /// <exception cref="ConfigurationException">One of them cannot be trusted.</exception>
    public void CheckStrictModes(string? pskFile)
    {
        foreach (string? path in new[] { Directory, IdentityKeyPath, KnownPeersPath, pskFile })
        {
            if (path is not null && StrictModes.Problem(path) is { } problem)
            {
                throw new ConfigurationException(problem);
            }
        }
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
