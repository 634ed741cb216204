namespace MaaS.Dashboard;

/// <summary>What a key typed into the sign-in form is.</summary>
public enum KeyCheck
{
    /// <summary>A valid key with the admin role: it may sign in.</summary>
    Admin,

    /// <summary>A valid key without the admin role: it calls the API only.</summary>
    AppKey,

    /// <summary>Not shaped like a key, unknown, or the secret does not match.</summary>
    Invalid,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key store could not be asked.</summary>
    StoreUnavailable,
}
