// key show | generate | rotate | psk: the identity key of this app's home, and new pre-shared keys.
using System.CommandLine;
using SecureChat.Cli.Home;
using SecureChat.Crypto.Identity;

namespace SecureChat.Cli.Commands;

/// <summary>The key subcommands.</summary>
internal sealed class KeyCommand : Command
{
    private readonly ChatCommand _root;
    private readonly ChatConsole _console;

    /// <summary>The key command of <paramref name="root"/>, writing to <paramref name="console"/>.</summary>
    public KeyCommand(ChatCommand root, ChatConsole console)
        : base("key", "Your identity key, and pre-shared keys.")
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
        _console = console;
        Show = new Command("show", "Show your identity key's fingerprint (creating the key if there is none).");
        Generate = new Command("generate", "Create your identity key if there is none.");
        Rotate = new Command("rotate", "Replace your identity key with a new one. Peers will see a changed key and must forget the old one.");
        Psk = new Command("psk", "Print a new random 256-bit pre-shared key (64 hex digits) to save with --psk-file or --psk-env and give your peer over a safe channel.");
        Show.SetAction(result => Run(result, mustBeNew: false));
        Generate.SetAction(result => Run(result, mustBeNew: true));
        Rotate.SetAction(RunRotate);
        Psk.SetAction(_ =>
        {
            console.Out.WriteLine(PskStrength.Generate());
            console.Error.WriteLine($"A new 256-bit pre-shared key. Save it with chmod 600 (or in your password manager), give it to your peer over a safe channel, and use it with {root.PskFile.Name} or {root.PskEnv.Name}.");
            return Failures.Success;
        });
        Subcommands.Add(Show);
        Subcommands.Add(Generate);
        Subcommands.Add(Rotate);
        Subcommands.Add(Psk);
    }

    /// <summary>key show.</summary>
    public Command Show { get; }

    /// <summary>key generate.</summary>
    public Command Generate { get; }

    /// <summary>key rotate.</summary>
    public Command Rotate { get; }

    /// <summary>key psk.</summary>
    public Command Psk { get; }

    private static string LoadFingerprint(ChatHome home)
    {
        using IdentityKey key = IdentityKey.Load(home.IdentityKeyPath);
        return key.Fingerprint.ToString();
    }

    private ChatHome Home(ParseResult result) =>
        ChatHome.Resolve(result.GetValue(_root.Home), _root.ProgramName, result.GetValue(_root.DisplayName)!, _console.Environment);

    private int Run(ParseResult result, bool mustBeNew) => CommandFailures.Report(_console, () =>
    {
        ChatHome home = Home(result);
        home.ThrowIfIdentityLeftBehind();
        home.CheckStrictModes(pskFile: null);
        if (mustBeNew && File.Exists(home.IdentityKeyPath))
        {
            throw new ConfigurationException($"You already have an identity key ({LoadFingerprint(home)}) in {home.IdentityKeyPath}. Use 'key rotate' to replace it.");
        }

        using IdentityKey key = home.LoadOrCreateIdentity(out bool created);
        _console.Out.WriteLine(key.Fingerprint.ToString());
        _console.Error.WriteLine(created ? $"Created {home.IdentityKeyPath}." : $"From {home.IdentityKeyPath}.");
    });

    private int RunRotate(ParseResult result) => CommandFailures.Report(_console, () =>
    {
        ChatHome home = Home(result);
        home.ThrowIfIdentityLeftBehind();
        home.CheckStrictModes(pskFile: null);
        string? old = File.Exists(home.IdentityKeyPath) ? LoadFingerprint(home) : null;
        using IdentityKey rotated = home.RotateIdentity();
        _console.Out.WriteLine($"New identity key {rotated.Fingerprint} in {home.IdentityKeyPath}.");
        if (old is not null)
        {
            string peer = _root.Role == ChatRole.Listener ? "User2" : "User1";
            _console.Error.WriteLine($"It replaces {old}. Your peers will see a changed key and refuse it until they run '{peer} peers forget {result.GetValue(_root.DisplayName)}'.");
        }
    });
}
