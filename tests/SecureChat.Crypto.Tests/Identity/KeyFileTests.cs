using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

/// <summary>Identity key files on Unix: round trips, owner-only permissions, passphrases, refusals.</summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class KeyFileTests(IdentityKeyFixture keys) : IClassFixture<IdentityKeyFixture>, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    // A fresh directory per test (xUnit makes a new instance for each), removed afterwards.
    private readonly string _directory = Directory.CreateTempSubdirectory("securechat-keyfile-tests-").FullName;

    private string KeyPath => Path.Combine(_directory, "identity.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [UnixFact]
    public void Load_SavedPlainKey_HasTheSameFingerprintAndPrivateKey()
    {
        keys.Alice.Save(KeyPath);

        using IdentityKey loaded = IdentityKey.Load(KeyPath);

        loaded.Fingerprint.Should().Be(keys.Alice.Fingerprint);
        loaded.PublicKey.SubjectPublicKeyInfo.ToArray().Should().Equal(keys.Alice.PublicKey.SubjectPublicKeyInfo.ToArray());
        byte[] secret = RandomNumberGenerator.GetBytes(IdentityKey.WrappedSecretSize);
        using var unwrapped = loaded.Unwrap(keys.Alice.PublicKey.Wrap(secret));
        unwrapped.Span.ToArray().Should().Equal(secret, "the loaded private key is the saved one");
    }

    [UnixFact]
    public void Fingerprint_AcrossSaveLoadSave_StaysTheSame()
    {
        string second = Path.Combine(_directory, "second.pem");
        keys.Alice.Save(KeyPath);
        using (IdentityKey loaded = IdentityKey.Load(KeyPath))
        {
            loaded.Save(second);
        }

        using IdentityKey reloaded = IdentityKey.Load(second);

        reloaded.Fingerprint.ToString().Should().Be(keys.Alice.Fingerprint.ToString());
    }

    [UnixFact]
    public void Save_PlainKey_WritesAPrivateKeyPem()
    {
        keys.Alice.Save(KeyPath);

        string text = File.ReadAllText(KeyPath);

        text.Should().StartWith("-----BEGIN PRIVATE KEY-----").And.EndWith("-----END PRIVATE KEY-----\n");
    }

    // One test covers the whole passphrase path: each save and load runs 600,000 PBKDF2 iterations.
    [UnixFact]
    public void SaveAndLoad_WithPassphrase_RoundTripsAndTheFileHoldsNoPassphraseOrPlainKey()
    {
        const string Passphrase = "correct horse battery staple";
        keys.Alice.SaveEncrypted(KeyPath, Passphrase);

        using IdentityKey loaded = IdentityKey.Load(KeyPath, Passphrase);

        loaded.Fingerprint.Should().Be(keys.Alice.Fingerprint);
        byte[] file = File.ReadAllBytes(KeyPath);
        string text = Encoding.ASCII.GetString(file);
        text.Should().StartWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        text.Should().NotContain(Passphrase);
        file.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Passphrase)).Should().Be(-1, "nor as UTF-16");
        text.Should().NotContain("BEGIN PRIVATE KEY");
        File.GetUnixFileMode(KeyPath).Should().Be(OwnerOnly);
    }

    [UnixFact]
    public void Load_EncryptedFileWithWrongOrMissingPassphrase_ThrowsKeyFileException()
    {
        keys.Alice.SaveEncrypted(KeyPath, "the right one");

        Action wrong = () => IdentityKey.Load(KeyPath, "the wrong one").Dispose();
        Action missing = () => IdentityKey.Load(KeyPath).Dispose();

        wrong.Should().Throw<KeyFileException>().Which.Message.Should().NotContain("the wrong one");
        missing.Should().Throw<KeyFileException>().WithMessage("*passphrase*");
    }

    [UnixFact]
    public void SaveEncrypted_EmptyPassphrase_ThrowsArgumentExceptionAndWritesNothing()
    {
        Action act = () => keys.Alice.SaveEncrypted(KeyPath, "");

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("passphrase");
        File.Exists(KeyPath).Should().BeFalse();
    }

    [UnixFact]
    public void Save_NewFile_IsReadableAndWritableByTheOwnerOnly()
    {
        keys.Alice.Save(KeyPath);

        File.GetUnixFileMode(KeyPath).Should().Be(OwnerOnly);
    }

    [UnixFact]
    public void Save_OverwritingAWorldReadableFile_LeavesItOwnerOnly()
    {
        File.WriteAllText(KeyPath, "old");
        File.SetUnixFileMode(KeyPath, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        keys.Alice.Save(KeyPath, overwrite: true);

        File.GetUnixFileMode(KeyPath).Should().Be(OwnerOnly);
    }

    [UnixFact]
    public void Save_ExistingFile_ThrowsKeyFileExceptionAndLeavesTheFile()
    {
        keys.Alice.Save(KeyPath);
        byte[] before = File.ReadAllBytes(KeyPath);

        Action act = () => keys.Bob.Save(KeyPath);

        act.Should().Throw<KeyFileException>();
        File.ReadAllBytes(KeyPath).Should().Equal(before);
        using IdentityKey loaded = IdentityKey.Load(KeyPath);
        loaded.Fingerprint.Should().Be(keys.Alice.Fingerprint);
    }

    [UnixFact]
    public void Save_ExistingFileWithOverwrite_ReplacesTheKey()
    {
        keys.Alice.Save(KeyPath);

        keys.Bob.Save(KeyPath, overwrite: true);

        using IdentityKey loaded = IdentityKey.Load(KeyPath);
        loaded.Fingerprint.Should().Be(keys.Bob.Fingerprint);
    }

    [UnixFact]
    public void Save_Successful_LeavesNoTemporaryFiles()
    {
        keys.Alice.Save(KeyPath);
        keys.Bob.Save(KeyPath, overwrite: true);

        Directory.GetFileSystemEntries(_directory).Should().Equal(KeyPath);
    }

    [UnixFact]
    public void Save_IntoMissingDirectory_CreatesItOwnerOnly()
    {
        string path = Path.Combine(_directory, "keys", "identity.pem");

        keys.Alice.Save(path);

        using IdentityKey loaded = IdentityKey.Load(path);
        loaded.Fingerprint.Should().Be(keys.Alice.Fingerprint);
        File.GetUnixFileMode(Path.Combine(_directory, "keys")).Should().Be(OwnerOnlyDirectory);
    }

    [UnixFact]
    public void Save_IntoSeveralMissingDirectories_CreatesEveryOneOwnerOnly()
    {
        // Save's documentation: "Missing folders are created owner-only too" - all of them, not just the last.
        string path = Path.Combine(_directory, "a", "b", "identity.pem");

        keys.Alice.Save(path);

        File.GetUnixFileMode(Path.Combine(_directory, "a", "b")).Should().Be(OwnerOnlyDirectory);
        File.GetUnixFileMode(Path.Combine(_directory, "a")).Should().Be(OwnerOnlyDirectory);
    }

    [UnixFact]
    public void Save_UnderARegularFile_ThrowsKeyFileException()
    {
        // The parent "directory" is a file, so the key cannot be written: the documented failure is KeyFileException.
        string notADirectory = Path.Combine(_directory, "plain-file");
        File.WriteAllText(notADirectory, "not a directory");

        Action act = () => keys.Alice.Save(Path.Combine(notADirectory, "identity.pem"));

        act.Should().Throw<KeyFileException>();
    }

    [UnixTheory]
    [InlineData("640")]
    [InlineData("604")]
    [InlineData("644")]
    [InlineData("660")]
    [InlineData("606")]
    [InlineData("620")]
    [InlineData("602")]
    [InlineData("610")]
    [InlineData("601")]
    public void Load_FileWithGroupOrOtherPermission_ThrowsKeyFileExceptionSayingChmod600(string octalMode)
    {
        keys.Alice.Save(KeyPath);
        File.SetUnixFileMode(KeyPath, (UnixFileMode)Convert.ToInt32(octalMode, 8));

        Action act = () => IdentityKey.Load(KeyPath).Dispose();

        act.Should().Throw<KeyFileException>().Which.Message.Should().Contain("chmod 600").And.Contain("0" + octalMode);
    }

    [UnixTheory]
    [InlineData("600")]
    [InlineData("400")]
    [InlineData("700")]
    public void Load_OwnerOnlyFile_IsAccepted(string octalMode)
    {
        keys.Alice.Save(KeyPath);
        File.SetUnixFileMode(KeyPath, (UnixFileMode)Convert.ToInt32(octalMode, 8));

        using IdentityKey loaded = IdentityKey.Load(KeyPath);

        loaded.Fingerprint.Should().Be(keys.Alice.Fingerprint);
    }

    [UnixFact]
    public void ToString_LoadedKey_ShowsNoPrivateKeyMaterial()
    {
        keys.Alice.Save(KeyPath);
        string pem = File.ReadAllText(KeyPath);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: true);
        byte[] pkcs8 = rsa.ExportPkcs8PrivateKey();

        string text = keys.Alice.ToString();

        text.ShouldNotReveal(parameters.D!);
        text.ShouldNotReveal(parameters.P!);
        text.ShouldNotReveal(parameters.Q!);
        text.ShouldNotReveal(pkcs8);
        text.Should().NotContain(pem.Split('\n')[1][..16], "no line of the PEM body appears");
    }
}
