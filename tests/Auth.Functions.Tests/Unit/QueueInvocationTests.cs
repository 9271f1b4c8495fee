using System.Text.Json;
using Auth.Functions.Hosting;

namespace Auth.Functions.Tests.Unit;

public sealed class QueueInvocationTests
{
    private const string Text = """{"requestId":"0123456789abcdef0123456789abcdef","emailKey":"ab"}""";

    [Fact]
    public void TheDocumentedShapeGivesTheMessageTextAndNumbers()
    {
        var payload = JsonSerializer.Serialize(new
        {
            Data = new { message = Text },
            Metadata = new { DequeueCount = 2, Id = "800ae4b3-0000-0000-0000-000000000000", sys = new { MethodName = "SendResetEmail" } },
        });

        var invocation = QueueInvocation.Parse(JsonDocument.Parse(payload).RootElement);

        Assert.Equal(Text, invocation.MessageText);
        Assert.Equal(2, invocation.DequeueCount);
        Assert.Equal("800ae4b3-0000-0000-0000-000000000000", invocation.Id);
    }

    [Fact]
    public void TheShapeTheHostReallySendsIsUnwrapped()
    {
        // Strings JSON-encoded a second time, numbers as strings.
        var payload = JsonSerializer.Serialize(new
        {
            Data = new { message = JsonSerializer.Serialize(Text) },
            Metadata = new { DequeueCount = "3", Id = "\"800ae4b3-0000-0000-0000-000000000000\"" },
        });

        var invocation = QueueInvocation.Parse(JsonDocument.Parse(payload).RootElement);

        Assert.Equal(Text, invocation.MessageText);
        Assert.Equal(3, invocation.DequeueCount);
        Assert.Equal("800ae4b3-0000-0000-0000-000000000000", invocation.Id);
    }

    [Fact]
    public void AMessageTheHostAlreadyParsedAsJsonIsReadAsItsText()
    {
        var payload = "{\"Data\":{\"message\":" + Text + "},\"Metadata\":{}}";

        var invocation = QueueInvocation.Parse(JsonDocument.Parse(payload).RootElement);

        Assert.Equal(Text, invocation.MessageText);
        Assert.Equal(1, invocation.DequeueCount);
    }
}
