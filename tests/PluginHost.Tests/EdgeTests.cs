using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>Malformed and hostile requests: the request layer answers 400 once for every backend, answers stay bounded,
/// task data cannot reach the host's own network, and error answers carry no server paths.</summary>
public sealed class EdgeTests(SharedHost fixture) : IClassFixture<SharedHost>
{
    private RunningHost Host => fixture.Host;

    private async Task<List<string>> BackendsAsync()
    {
        var (_, health) = await Host.GetAsync("/health");
        return health["backends"]!.AsArray().Where(b => (string?)b!["state"] == "ready").Select(b => (string)b!["name"]!).ToList();
    }

    [Theory]
    [InlineData("""{"tasks":[{"id":5,"data":null}]}""", "'data' is null")]
    [InlineData("""{"tasks":[{"id":5,"data":{"text":"bad \ud800 half","ocr":"bad \ud800 half","image":"bad \ud800 half"}}]}""", "lone surrogate")]
    [InlineData("""{"tasks":[{"id":5,"data":{"text":"ok"}}],"params":{"context":{"result":[{"id":"r1","from_name":"label","to_name":"text","type":"labels","value":{"start":0,"end":1,"text":"\udfff","labels":["ORG"]}}]}}}""", "lone surrogate")]
    public async Task Unusable_task_data_is_a_400_on_every_backend(string body, string reason)
    {
        foreach (var backend in await BackendsAsync())
        {
            var (status, error) = await Host.PostAsync($"/{backend}/predict", body);
            Assert.True(status == 400, $"{backend}: {status} {error.ToJsonString()}");
            Assert.Contains(reason, (string?)error["detail"]);
        }
    }

    [Fact]
    public async Task Invalid_utf8_in_task_text_is_a_400_on_every_backend()
    {
        var prefix = Encoding.UTF8.GetBytes("{\"tasks\":[{\"id\":5,\"data\":{\"text\":\"bad ");
        var suffix = Encoding.UTF8.GetBytes("\",\"ocr\":\"x\",\"image\":\"x\"}}]}");
        byte[] body = [.. prefix, 0xC3, 0x28, 0xFF, .. suffix];
        foreach (var backend in await BackendsAsync())
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await Host.Client.PostAsync($"/{backend}/predict", content);
            var error = await RunningHost.ReadJsonAsync(response);
            Assert.True((int)response.StatusCode == 400, $"{backend}: {(int)response.StatusCode} {error.ToJsonString()}");
        }
    }

    [Fact]
    public async Task An_absurd_chunk_size_is_a_client_error()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Host.BaseAddress.Host, Host.BaseAddress.Port);
        await using var stream = client.GetStream();
        var request = "POST /substring/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n{\"tasks\":[]}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var answer = await ReadAnswerAsync(stream);
        Assert.StartsWith("HTTP/1.1 400", answer);
    }

    [Fact]
    public async Task A_one_letter_span_on_a_megabyte_text_gets_a_bounded_answer()
    {
        var text = string.Concat(Enumerable.Repeat("a banana ", 120_000));
        var (status, body) = await Host.PostAsync("/substring/predict", InteractiveSubstring(text, 0, 1, labelConfig: NerConfig));
        Assert.Equal(200, status);
        var regions = body["results"]![0]!["result"]!.AsArray();
        Assert.Equal(1000, regions.Count); // SubstringSettings.MaxMatches
    }

    [Fact]
    public async Task Regions_past_the_limit_are_dropped_with_a_warning_and_oversized_answers_are_a_clear_500()
    {
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:MaxRegionsPerPrediction"] = "3",
        });
        const string text = "Apple apple APPLE apple Apple";
        var (status, body) = await host.PostAsync("/substring/predict", InteractiveSubstring(text, 0, 5));
        Assert.Equal(200, status);
        Assert.Equal(3, body["results"]![0]!["result"]!.AsArray().Count);
        Assert.Contains("MaxRegionsPerPrediction", (string?)body["warnings"]![0]);

        await using var small = await RunningHost.StartAsync(new Dictionary<string, string?> { ["PluginHost:MaxResponseBytes"] = "600" });
        var (tooBig, error) = await small.PostAsync("/substring/predict", InteractiveSubstring(text, 0, 5));
        Assert.Equal(500, tooBig);
        Assert.Contains("MaxResponseBytes", (string?)error["detail"]);
        var (fits, _) = await small.PostAsync("/substring/predict", InteractiveSubstring("Apple", 0, 5));
        Assert.Equal(200, fits);
    }

    [Fact]
    public async Task Task_data_pointing_at_the_hosts_own_network_is_refused_with_403()
    {
        const string config = """<View><Image name="image" value="$ocr"/><RectangleLabels name="bbox" toName="image"><Label value="Text"/></RectangleLabels><TextArea name="transcription" toName="image" perRegion="true"/></View>""";
        foreach (var url in new[] { new Uri(Host.BaseAddress, "health").ToString(), "http://169.254.169.254/latest/meta-data/" })
        {
            var (status, error) = await Host.PostAsync("/ocr/predict", $$$"""
                {"tasks":[{"id":3,"data":{"ocr":"{{{url}}}"}}],"project":"4.1","label_config":{{{Escape(config)}}},"params":{"context":null}}
                """);
            Assert.True(status == 403, $"{url}: {status} {error.ToJsonString()}");
            Assert.Contains("TaskData:AllowedHosts", (string?)error["detail"]);
        }
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_cut_off_at_the_header_timeout()
    {
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["PluginHost:RequestHeadersTimeoutSeconds"] = "1" });
        using var client = new TcpClient();
        await client.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync("GET /health HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        var started = DateTime.UtcNow;
        // Kestrel answers 408 (or just closes); either way the connection ends long before its 30 s default.
        var answer = await ReadAnswerAsync(stream, TimeSpan.FromSeconds(15));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the connection was still open after 15 s");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    /// <summary>Reads until the server closes the connection (or the deadline), as text.</summary>
    private static async Task<string> ReadAnswerAsync(NetworkStream stream, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        var answer = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && !answer.ToString().Contains("Transfer-Encoding", StringComparison.Ordinal)
                    && ContentComplete(answer.ToString())) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
        return answer.ToString();
    }

    private static bool ContentComplete(string answer)
    {
        var headerEnd = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var match = System.Text.RegularExpressions.Regex.Match(answer[..headerEnd], @"Content-Length:\s*(\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return !match.Success || answer.Length - headerEnd - 4 >= int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
