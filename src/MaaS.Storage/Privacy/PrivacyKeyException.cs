namespace MaaS.Storage.Privacy;

/// <summary>
/// A privacy key is malformed, missing, or not the key the stored data was written with. Raised while the storage
/// opens (the host fails to start); the message names the setting to fix and never holds key material.
/// </summary>
public sealed class PrivacyKeyException : Exception
{
    public PrivacyKeyException()
    {
    }

    public PrivacyKeyException(string message)
        : base(message)
    {
    }

    public PrivacyKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
