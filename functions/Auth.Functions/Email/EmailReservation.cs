namespace Auth.Functions.Email;

/// <summary>What <see cref="EmailThrottle.TryReserveAsync"/> decided; with <see cref="EmailSlot.GlobalLimit"/>, when the next window opens.</summary>
public readonly record struct EmailReservation(EmailSlot Slot, TimeSpan RetryAfter);
