using System.Text.Json.Nodes;

namespace PluginHost.Http.Docs;

/// <summary>One example request and answer per operation (by name, without the bare routes' "Default" suffix),
/// shaped as Label Studio sends and reads them.</summary>
internal static class RouteExamples
{
    private const string Config = """<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/><Choice value=\"Negative\"/></Choices></View>""";

    private static readonly Dictionary<string, (string? Request, string? Response)> Examples = new(StringComparer.Ordinal)
    {
        ["root"] = (null, HostHealth),
        ["hostHealth"] = (null, HostHealth),
        ["ready"] = (null, """{"status":"ready","detail":"ready"}"""),
        ["health"] = (null, """{"status":"UP","model_class":"textclassifier","name":"textclassifier","state":"loaded","model_version":"textclassifier-v2","origin":"plugins/textclassifier","loaded_at":"2026-11-30T02:00:00+00:00"}"""),
        ["setup"] = ($$$$"""{"project":"6.1710967805","schema":"{{{{Config}}}}","hostname":"http://localhost:8080","access_token":"<token>","extra_params":"{\"case_insensitive\":true}"}""",
            """{"model_version":"textclassifier-v2","status":"ok"}"""),
        ["predict"] = ($$$$"""{"tasks":[{"id":17,"data":{"text":"A great film"},"project":6}],"project":"6.1710967805","label_config":"{{{{Config}}}}","params":{"login":null,"password":null,"context":null}}""",
            """{"results":[{"result":[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]},"score":0.93}],"score":0.93,"model_version":"textclassifier-v2"}]}"""),
        ["webhook"] = ($$$$"""{"action":"START_TRAINING","project":{"id":6,"label_config":"{{{{Config}}}}"}}""",
            """{"status":"ok","job":"3f9c2a1b7d4e5f60"}"""),
        ["train"] = ($$$$"""{"annotations":[{"id":1,"result":[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}],"task":{"id":17,"data":{"text":"A great film"}}}],"project":6,"label_config":"{{{{Config}}}}"}""",
            """{"status":"ok","job":"3f9c2a1b7d4e5f60"}"""),
        ["versions"] = (null, """{"versions":["textclassifier-v1","textclassifier-v2"],"project":"6","active":"textclassifier-v2","details":[{"model_version":"textclassifier-v2","version":"v2","project":"6","active":true,"created_at":"2026-11-30T06:00:00+00:00","examples":4836,"job":"3f9c2a1b7d4e5f60","trigger":"START_TRAINING","training_seconds":3.3,"validation_examples":967,"metrics":{"accuracy":0.9866,"macro_f1":0.9843},"curves":{"loss":[{"step":0,"value":0.6931},{"step":25,"value":0.0368}]}}]}"""),
        ["activateVersion"] = ("""{"project":"6"}""", """{"status":"ok","model_version":"textclassifier-v1","project":"6","previous":"textclassifier-v2"}"""),
        ["job"] = (null, Job),
        ["cancelJob"] = (null, Job),
        ["metrics"] = (null, """{"predict_calls":1200,"tasks":1450,"errors":2,"timeouts":0,"predict_p50_ms":0.4,"predict_p95_ms":1.2,"predict_p99_ms":3.1}"""),
    };

    private const string HostHealth = """{"status":"UP","model_class":"PluginHost","default_backend":"substring","backends":[{"status":"UP","model_class":"substring","name":"substring","state":"loaded","model_version":"substring-1.0.0","origin":"plugins/substring"}]}""";

    private const string Job = """{"id":"3f9c2a1b7d4e5f60","backend":"textclassifier","project":"6","state":"running","stage":"training","progress":0.42,"trigger":"START_TRAINING","coalesced_events":0,"examples":120,"created_at":"2026-11-30T02:00:00+00:00","started_at":"2026-11-30T02:00:01+00:00"}""";

    public static (JsonNode? Request, JsonNode? Response) For(string operationName)
    {
        var key = operationName.EndsWith("Default", StringComparison.Ordinal) ? operationName[..^"Default".Length] : operationName;
        return Examples.TryGetValue(key, out var example)
            ? (example.Request is null ? null : JsonNode.Parse(example.Request), example.Response is null ? null : JsonNode.Parse(example.Response))
            : (null, null);
    }
}
