using System.Security.Cryptography;
using SecureChat.Crypto.Identity;

namespace SecureChat.Crypto.Tests.Identity;

/// <summary>Files that Load must refuse for what they hold (their permissions are already owner-only).</summary>
public sealed partial class KeyFileTests
{
    [UnixFact]
    public void Load_PublicKeyPem_ThrowsKeyFileException()
    {
        WriteOwnerOnly(PemEncoding.WriteString("PUBLIC KEY", keys.Alice.PublicKey.SubjectPublicKeyInfo.Span));

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_RsaPrivateKeyInPkcs1Pem_ThrowsKeyFileException()
    {
        using var rsa = RSA.Create(2048);
        WriteOwnerOnly(rsa.ExportRSAPrivateKeyPem());

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_EcPrivateKeyInPkcs8Pem_ThrowsKeyFileException()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteOwnerOnly(ec.ExportPkcs8PrivateKeyPem());

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_1024BitRsaPrivateKey_ThrowsKeyFileException()
    {
        using var rsa = RSA.Create(1024);
        WriteOwnerOnly(rsa.ExportPkcs8PrivateKeyPem());

        ShouldRefuseForContent();
    }

    [UnixTheory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void Load_GarbageFile_ThrowsKeyFileException(string contents)
    {
        WriteOwnerOnly(contents);

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_TwoKeysInOneFile_ThrowsKeyFileException()
    {
        keys.Alice.Save(KeyPath);
        string pem = File.ReadAllText(KeyPath);
        WriteOwnerOnly(pem + pem);

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_KeyWithTextAround_ThrowsKeyFileException()
    {
        keys.Alice.Save(KeyPath);
        string pem = File.ReadAllText(KeyPath);
        WriteOwnerOnly("comment\n" + pem);

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_HugeFile_ThrowsKeyFileException()
    {
        WriteOwnerOnly(new string('A', 1024 * 1024));

        ShouldRefuseForContent();
    }

    [UnixFact]
    public void Load_Directory_ThrowsKeyFileException()
    {
        Action act = () => IdentityKey.Load(_directory).Dispose();

        act.Should().Throw<KeyFileException>();
    }

    [UnixFact]
    public void Load_MissingFile_ThrowsKeyFileException()
    {
        Action act = () => IdentityKey.Load(Path.Combine(_directory, "missing.pem")).Dispose();

        act.Should().Throw<KeyFileException>();
    }

    private void WriteOwnerOnly(string contents)
    {
        File.WriteAllText(KeyPath, contents);
        File.SetUnixFileMode(KeyPath, OwnerOnly);
    }

    /// <summary>Load must refuse the file for what it holds (the permissions are already owner-only).</summary>
    private void ShouldRefuseForContent()
    {
        Action act = () => IdentityKey.Load(KeyPath).Dispose();

        act.Should().Throw<KeyFileException>().Which.Message.Should().NotContain("chmod");
    }
}
