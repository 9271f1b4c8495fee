namespace Auth.Functions.Email;

/// <summary>The outcome of a reservation.</summary>
public enum EmailSlot
{
    /// <summary>Both slots taken: send.</summary>
    Reserved,
    /// <summary>The account had its share: drop the request (its HTTP answer was the same anyway).</summary>
    AccountLimit,
    /// <summary>The whole service had its share this minute: try again in the next one.</summary>
    GlobalLimit,
}
