using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Auth.Functions.Tests.Infrastructure;

namespace Auth.Functions.Tests.Contract;

/// <summary>
/// auth.http at the repository root, sent request by request as an editor sends it: file variables,
/// <c># @name</c> and <c>{{name.response.body.$.path}}</c> references. Each <c>###</c> line names the
/// status it expects. The two tokens a person pastes from the emails come from the test's mailbox.
/// </summary>
public sealed partial class AuthHttpFileTests
{
    private sealed record Request(string Title, int Expected, string? Name, string Method, string Url, List<(string Name, string Value)> Headers, string Body);

    [Fact]
    public async Task EveryRequestOfTheFileAnswersTheStatusItsTitleExpects()
    {
        await using var app = await AuthApp.StartAsync(settings: new Dictionary<string, string?> { ["Accounts:RequireVerifiedEmail"] = "true" });
        var (variables, requests) = Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "auth.http")));
        Assert.True(requests.Count >= 15, $"only {requests.Count} requests");
        Assert.Equal("http://localhost:7071", variables["baseUrl"]);
        var email = variables["email"];
        // What a person pastes from .data/mail, from the test's mailbox instead.
        var pasted = new Dictionary<string, Func<Task<string>>>
        {
            ["verificationToken"] = async () => CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email, CapturingEmailSender.IsVerificationEmail)),
            ["resetToken"] = async () => CapturingEmailSender.TokenIn(await app.Mail.WaitForAsync(email)),
        };
        var answers = new Dictionary<string, JsonNode?>();
        var http = app.CreateClient();

        foreach (var request in requests)
        {
            async Task<string> ResolveAsync(string text)
            {
                var result = new StringBuilder();
                var last = 0;
                foreach (Match match in Reference().Matches(text))
                {
                    result.Append(text, last, match.Index - last);
                    var name = match.Groups[1].Value;
                    result.Append(name.Split('.') switch
                    {
                        [var requestName, "response", "body", ..] => ResponseValue(answers[requestName], name),
                        _ when pasted.TryGetValue(name, out var paste) => await paste(),
                        _ => await ResolveAsync(variables[name]),
                    });
                    last = match.Index + match.Length;
                }

                return result.Append(text, last, text.Length - last).ToString();
            }

            var url = new Uri(await ResolveAsync(request.Url));
            Assert.Equal("localhost:7071", url.Authority); // The file's base URL; the test app takes the path.
            var message = new HttpRequestMessage(new HttpMethod(request.Method), url.PathAndQuery);
            string? contentType = null;
            foreach (var (name, value) in request.Headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = await ResolveAsync(value);
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(name, await ResolveAsync(value));
                }
            }

            if (request.Body.Length > 0)
            {
                message.Content = new StringContent(await ResolveAsync(request.Body), Encoding.UTF8);
                message.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType!);
            }

            using var response = await http.SendAsync(message);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == request.Expected, $"\"{request.Title}\" answered {(int)response.StatusCode}, not {request.Expected}: {text}");
            if (request.Name is { } named)
            {
                answers[named] = text.Length > 0 ? JsonNode.Parse(text) : null;
            }
        }
    }

    private static string ResponseValue(JsonNode? body, string reference)
    {
        // name.response.body.$.a.b
        var path = reference.Split(".response.body.")[1];
        Assert.StartsWith("$.", path, StringComparison.Ordinal);
        var node = body;
        foreach (var step in path[2..].Split('.'))
        {
            node = node?[step];
        }

        return (string?)node ?? throw new InvalidOperationException($"{reference} is not in the answer.");
    }

    private static (Dictionary<string, string> Variables, List<Request> Requests) Parse(string file)
    {
        var variables = new Dictionary<string, string>();
        var requests = new List<Request>();
        var blocks = Regex.Split(file.Replace("\r\n", "\n"), @"^###", RegexOptions.Multiline);
        foreach (var line in blocks[0].Split('\n'))
        {
            if (Variable().Match(line) is { Success: true } variable)
            {
                variables[variable.Groups[1].Value] = variable.Groups[2].Value.Trim();
            }
        }

        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            var title = lines[0].Trim();
            var expected = int.Parse(Expected().Match(title).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string? name = null;
            var i = 1;
            for (; i < lines.Length && (lines[i].StartsWith('#') || lines[i].Trim().Length == 0); i++)
            {
                if (NameComment().Match(lines[i]) is { Success: true } named)
                {
                    name = named.Groups[1].Value;
                }
            }

            var requestLine = lines[i++].Split(' ', 2);
            var headers = new List<(string, string)>();
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
            }

            var body = string.Join("\n", lines.Skip(i)).Trim();
            requests.Add(new Request(title, expected, name, requestLine[0], requestLine[1].Trim(), headers, body));
        }

        return (variables, requests);
    }

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^@(\w+)\s*=\s*(.*)$")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\((\d{3})\)$")]
    private static partial Regex Expected();

    [GeneratedRegex(@"^#\s*@name\s+(\w+)")]
    private static partial Regex NameComment();
}
