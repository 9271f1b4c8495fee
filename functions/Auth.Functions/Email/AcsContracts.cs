using System.Text.Json;
using System.Text.Json.Serialization;

namespace Auth.Functions.Email;

// The JSON of the ACS Email REST API (emails:send and its operation status), and its serializer context.

public sealed record AcsSendRequest(string SenderAddress, AcsContent Content, AcsRecipients Recipients, bool UserEngagementTrackingDisabled);

public sealed record AcsContent(string Subject, string PlainText, string Html);

public sealed record AcsRecipients(IReadOnlyList<AcsAddress> To);

public sealed record AcsAddress(string Address, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName);

public sealed record AcsOperationStatus(string? Id, string? Status, AcsError? Error);

public sealed record AcsError(string? Code, string? Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AcsSendRequest))]
[JsonSerializable(typeof(AcsOperationStatus))]
public sealed partial class AcsJsonContext : JsonSerializerContext;
