namespace PluginHost.Tests;

/// <summary>Request bodies shaped exactly like a real Label Studio's (docs/protocol.md §1).</summary>
public static class LabelStudioRequests
{
    public const string NerConfig = """<View><Labels name="label" toName="text"><Label value="ORG"/><Label value="PERSON"/></Labels><Text name="text" value="$text"/></View>""";

    public static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    /// <summary>The interactive request of examples/interactive_substring_matching/test_api.py.</summary>
    public static string InteractiveSubstring(string text, int start, int end, string label = "ORG", string labelConfig = NerConfig) => $$"""
        {"tasks":[{"id":102644832,"data":{"text":{{Escape(text)}}},"meta":{},"created_at":"2024-04-08T14:20:37.285640Z",
          "updated_at":"2024-04-08T14:20:37.285640Z","is_labeled":false,"overlap":1,"inner_id":1,"total_annotations":0,
          "cancelled_annotations":0,"total_predictions":0,"comment_count":0,"unresolved_comment_count":0,
          "last_comment_updated_at":null,"project":62053,"updated_by":null,"file_upload":null,"comment_authors":[],
          "annotations":[],"drafts":[],"predictions":[]}],
         "project":"62053.1712586036","label_config":{{Escape(labelConfig)}},
         "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":2640,
           "result":[{"id":"1aa-14p0B6","from_name":"label","to_name":"text","type":"labels","origin":"manual",
                      "value":{"start":{{start}},"end":{{end}},"text":{{Escape(text[start..end])}},"labels":["{{label}}"] } } ] } } }
        """;

    /// <summary>A batch pre-annotation request (TaskSimpleSerializer shape, context null).</summary>
    public static string Batch(IEnumerable<string> texts, string labelConfig = NerConfig, string project = "6.1710967805")
    {
        var tasks = texts.Select((t, i) => $$"""
            {"id":{{1000 + i}},"data":{"text":{{Escape(t)}}},"meta":{},"created_at":"2024-03-20T20:50:22Z","updated_at":"2024-03-20T20:50:22Z",
             "is_labeled":false,"overlap":1,"inner_id":{{i + 1}},"total_annotations":0,"cancelled_annotations":0,"total_predictions":0,
             "comment_count":0,"unresolved_comment_count":0,"last_comment_updated_at":null,"project":6,"updated_by":null,
             "file_upload":8,"comment_authors":[],"annotations":[],"predictions":[]}
            """);
        return $$"""
            {"tasks":[{{string.Join(",", tasks)}}],"project":"{{project}}","label_config":{{Escape(labelConfig)}},
             "params":{"login":null,"password":null,"context":null} }
            """;
    }

    public static string Setup(string labelConfig = NerConfig, string project = "6.1710967805", string extraParams = "null") => $$"""
        {"project":"{{project}}","schema":{{Escape(labelConfig)}},"hostname":"http://localhost:8080",
         "access_token":"1234567890abcdef","extra_params":{{extraParams}}}
        """;
}
