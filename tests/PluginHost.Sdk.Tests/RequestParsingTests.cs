using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Tests;

/// <summary>The requests of docs/protocol.md §1, as a real Label Studio sends them, read with the SDK's types.</summary>
public class RequestParsingTests
{
    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, SdkJson.Options)!;

    // docs/protocol.md §1.3, from examples/spacy/test_api.py: every field TaskSimpleSerializer writes.
    private const string BatchPredict = """
        {"tasks":[{"id":1428,"data":{"text":"Katy Perry and Pharrell Williams were spotted in Los Angeles."},"meta":{},
          "created_at":"2024-03-20T20:50:22.281018Z","updated_at":"2024-03-20T20:50:22.281047Z","is_labeled":false,
          "overlap":1,"inner_id":18,"total_annotations":0,"cancelled_annotations":0,"total_predictions":0,
          "comment_count":0,"unresolved_comment_count":0,"last_comment_updated_at":null,"project":6,"updated_by":null,
          "file_upload":8,"comment_authors":[],"annotations":[],"predictions":[]}],
         "project":"6.1710967805",
         "label_config":"<View><Labels name=\"ner_tags\" toName=\"text\"><Label value=\"PERSON\"/></Labels><Text name=\"text\" value=\"$text\"/></View>",
         "params":{"login":null,"password":null,"context":null}}
        """;

    // docs/protocol.md §1.4, from examples/interactive_substring_matching/test_api.py.
    private const string InteractivePredict = """
        {"tasks":[{"id":102644832,"data":{"text":"We got hold of one of the first Apple Watches on the market"},
           "annotations":[],"drafts":[],"predictions":[],"project":62053,"total_annotations":0}],
         "project":"62053.1712586036",
         "label_config":"<View><Labels name=\"label\" toName=\"text\"><Label value=\"ORG\"/></Labels><Text name=\"text\" value=\"$text\"/></View>",
         "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":2640,
           "result":[{"id":"1aa-14p0B6","from_name":"label","to_name":"text","type":"labels","origin":"manual",
                      "value":{"start":32,"end":37,"text":"Apple","labels":["ORG"]}}]}}}
        """;

    [Fact]
    public void Batch_predict_request_reads_tasks_project_config_and_null_context()
    {
        var request = Parse<PredictRequest>(BatchPredict);

        var task = Assert.Single(request.Tasks!);
        Assert.Equal(1428, task.Id);
        Assert.Equal("Katy Perry and Pharrell Williams were spotted in Los Angeles.", task.GetData("text"));
        Assert.Empty(task.Annotations!);
        Assert.Equal("6", task.Project!.Id);
        Assert.True(task.Extra!.ContainsKey("inner_id"), "fields without a typed member are kept in Extra");
        Assert.Equal("6", request.Project!.Id);
        Assert.Equal("6.1710967805", request.Project.Raw);
        Assert.StartsWith("<View><Labels name=\"ner_tags\"", request.LabelConfig);
        Assert.NotNull(request.Params);
        Assert.Null(request.Params!.Context);
        Assert.Null(request.Params.Login);
    }

    [Fact]
    public void Interactive_predict_request_reads_the_context_regions()
    {
        var request = Parse<PredictRequest>(InteractivePredict);

        Assert.Equal("62053", request.Project!.Id);
        var task = Assert.Single(request.Tasks!);
        Assert.Empty(task.Drafts!);
        var context = request.Params!.Context!;
        Assert.Null(context.AnnotationId);
        Assert.Equal(0, context.DraftId);
        Assert.Equal(2640, context.UserId);
        var region = Assert.Single(context.Result!);
        Assert.Equal("1aa-14p0B6", region.Id);
        Assert.Equal("label", region.FromName);
        Assert.Equal("labels", region.Type);
        Assert.Equal("manual", region.Origin);
        Assert.Equal(["ORG"], region.GetLabels());
        Assert.Equal((32, 37, "Apple"), region.GetSpan());
    }

    [Fact]
    public void Interactive_image_prompt_keeps_image_size_and_keypoint_flags()
    {
        const string json = """
            {"tasks":[{"id":7,"data":{"image":"/data/upload/1/dog.jpg"}}],"project":"3.1700000000",
             "params":{"context":{"result":[{"original_width":1024,"original_height":768,"image_rotation":0,
               "value":{"x":40.5,"y":60.25,"width":0.5,"keypointlabels":["Dog"]},"is_positive":true,"id":"kp1",
               "from_name":"tag","to_name":"image","type":"keypointlabels","origin":"manual"}]}}}
            """;
        var region = Assert.Single(Parse<PredictRequest>(json).Params!.Context!.Result!);

        Assert.Equal(1024, region.OriginalWidth);
        Assert.Equal(768, region.OriginalHeight);
        Assert.Equal(0, region.ImageRotation);
        Assert.Equal(40.5, region.GetNumber("x"));
        Assert.Equal(["Dog"], region.GetLabels());
        Assert.True(region.Extra!["is_positive"].GetBoolean());
    }

    [Fact]
    public void Tasks_given_as_a_single_object_become_a_one_item_list()
    {
        var request = Parse<PredictRequest>("""{"tasks":{"id":5,"data":{"text":"hi"}},"project":"1.2"}""");

        Assert.Equal(5, Assert.Single(request.Tasks!).Id);
    }

    [Fact]
    public void Setup_request_reads_project_schema_and_null_extra_params()
    {
        var request = Parse<SetupRequest>("""
            {"project":"6.1710967805","schema":"<View><Text name=\"text\" value=\"$text\"/></View>",
             "hostname":"http://localhost:8080","access_token":"7a1b2c3d4e","extra_params":null}
            """);

        Assert.Equal("6", request.Project!.Id);
        Assert.Contains("<Text name=\"text\"", request.Schema);
        Assert.Equal("http://localhost:8080", request.Hostname);
        Assert.Equal("7a1b2c3d4e", request.AccessToken);
        // null stays null (the converter is not called for it); callers use `?? ExtraParams.Empty`.
        Assert.Null(request.ExtraParams);
    }

    [Fact]
    public void Setup_request_without_hostname_or_token_is_accepted()
    {
        var request = Parse<SetupRequest>("""{"project":"6.1710967805","schema":"<View/>"}""");

        Assert.Null(request.Hostname);
        Assert.Null(request.AccessToken);
        Assert.Null(request.ExtraParams);
    }

    [Fact]
    public void Extra_params_as_a_json_string_is_read_as_an_object()
    {
        var request = Parse<SetupRequest>("""{"project":"1.1","extra_params":"{\"threshold\": 0.4, \"use_gpu\": \"true\", \"model\": \"small\"}"}""");

        var extra = request.ExtraParams!;
        Assert.False(extra.IsEmpty);
        Assert.Equal(0.4, extra.GetDouble("threshold", 0));
        Assert.True(extra.GetBool("use_gpu"));
        Assert.Equal("small", extra.GetString("model"));
        Assert.Equal("""{"threshold": 0.4, "use_gpu": "true", "model": "small"}""", extra.Raw);
    }

    [Fact]
    public void Extra_params_as_an_object_is_read_directly()
    {
        var extra = Parse<SetupRequest>("""{"project":"1.1","extra_params":{"threshold":0.7,"labels":["a","b"]}}""").ExtraParams!;

        Assert.False(extra.IsEmpty);
        Assert.Equal(0.7, extra.GetDouble("threshold", 0));
        Assert.Equal("""["a","b"]""", extra.GetString("labels"));
        Assert.Null(extra.Raw);
        Assert.Equal("""{"threshold":0.7,"labels":["a","b"]}""", extra.ToJson());
    }

    [Fact]
    public void Extra_params_that_is_not_json_is_kept_raw()
    {
        var extra = Parse<SetupRequest>("""{"project":"1.1","extra_params":"threshold=0.5"}""").ExtraParams!;

        Assert.True(extra.IsEmpty);
        Assert.Equal("threshold=0.5", extra.Raw);
        Assert.Null(extra.GetString("threshold"));
        Assert.Equal(0.9, extra.GetDouble("threshold", 0.9));
    }

    [Theory]
    [InlineData("\"6.1710967805\"", "6", "6.1710967805")]
    [InlineData("\"62053.1712586036\"", "62053", "62053.1712586036")]
    [InlineData("6", "6", null)]
    [InlineData("\"12\"", "12", "12")]
    [InlineData("{\"id\":6,\"title\":\"NER\"}", "6", null)]
    public void Project_is_read_from_string_number_or_object(string projectJson, string id, string? raw)
    {
        var request = Parse<SetupRequest>($$"""{"project":{{projectJson}}}""");

        Assert.Equal(id, request.Project!.Id);
        Assert.Equal(raw, request.Project.Raw);
    }

    [Fact]
    public void Project_object_carries_title_and_label_config()
    {
        var project = Parse<WebhookEvent>("""{"action":"START_TRAINING","project":{"id":12345,"title":"My NER","label_config":"<View/>","task_number":10}}""").Project!;

        Assert.Equal("12345", project.Id);
        Assert.Equal("My NER", project.Title);
        Assert.Equal("<View/>", project.LabelConfig);
    }

    [Fact]
    public void Start_training_webhook_has_no_annotation()
    {
        var webhook = Parse<WebhookEvent>("""
            {"action":"START_TRAINING","project":{"id":6,"title":"NER","label_config":"<View/>","task_number":3,"finished_task_number":2}}
            """);

        Assert.Equal("START_TRAINING", webhook.Action);
        Assert.Equal("6", webhook.Project!.Id);
        Assert.Null(webhook.Annotation);
        Assert.Null(webhook.Task);
    }

    [Fact]
    public void Annotation_created_webhook_reads_annotation_task_and_project()
    {
        var webhook = Parse<WebhookEvent>("""
            {"action":"ANNOTATION_CREATED",
             "annotation":{"id":77,"result":[{"id":"r1","from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}],
                           "task":1428,"completed_by":1,"was_cancelled":false,"ground_truth":false,"lead_time":3.2,
                           "created_at":"2024-03-20T21:00:00Z","updated_at":"2024-03-20T21:00:00Z","project":6},
             "task":{"id":1428,"data":{"text":"great"},"project":6,"is_labeled":true},
             "project":{"id":6,"title":"Sentiment","label_config":"<View/>","task_number":1,"finished_task_number":1}}
            """);

        var annotation = Assert.Single(webhook.Annotation!);
        Assert.Equal(77, annotation.Id);
        Assert.Equal(1428, annotation.TaskId);
        Assert.False(annotation.WasCancelled);
        Assert.Equal(["Positive"], Assert.Single(annotation.Result).GetLabels());
        Assert.Equal(1428, Assert.Single(webhook.Task!).Id);
        Assert.Equal("6", webhook.Project!.Id);
    }

    [Fact]
    public void Annotation_created_webhook_from_the_python_sdk_test_is_accepted()
    {
        // examples/huggingface_ner/test_api.py: a minimal payload.
        var webhook = Parse<WebhookEvent>("""{"action":"ANNOTATION_CREATED","project":{"id":12345,"label_config":"<View></View>"},"annotation":{"project":12345}}""");

        Assert.Equal("12345", webhook.Project!.Id);
        Assert.Null(Assert.Single(webhook.Annotation!).Id);
    }

    [Fact]
    public void Annotations_created_webhook_reads_annotation_as_a_list()
    {
        var webhook = Parse<WebhookEvent>("""
            {"action":"ANNOTATIONS_CREATED",
             "annotation":[{"id":1,"task":{"id":10},"result":[]},{"id":2,"task":{"id":11},"result":[]}],
             "project":{"id":6}}
            """);

        Assert.Equal([1L, 2L], webhook.Annotation!.Select(a => a.Id!.Value));
        Assert.Equal([10L, 11L], webhook.Annotation!.Select(a => a.TaskId!.Value));
    }

    [Fact]
    public void Annotations_deleted_webhook_reads_the_ids()
    {
        var webhook = Parse<WebhookEvent>("""{"action":"ANNOTATIONS_DELETED","annotations":[{"id":4},{"id":5}],"project":{"id":6}}""");

        Assert.Equal([4L, 5L], webhook.Annotations!.Select(a => a.Id!.Value));
        Assert.Null(webhook.Annotation);
    }

    [Fact]
    public void Legacy_train_request_reads_every_annotated_task()
    {
        var request = Parse<TrainRequest>("""
            {"annotations":[
               {"id":1,"data":{"text":"good"},"annotations":[{"id":11,"result":[{"from_name":"s","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]}],"drafts":[],"predictions":[]},
               {"id":2,"data":{"text":"bad"},"annotations":[{"id":12,"was_cancelled":true,"result":[]}]}],
             "project":"6.1710967805","label_config":"<View/>","params":{"login":null,"password":null}}
            """);

        Assert.Equal("6", request.Project!.Id);
        Assert.Equal(2, request.Annotations!.Count);
        Assert.Equal(["Positive"], request.Annotations[0].Annotations![0].Result[0].GetLabels());
        Assert.True(request.Annotations[1].Annotations![0].WasCancelled);
        Assert.Null(request.Params!.Context);
    }

    [Fact]
    public void Unknown_fields_are_tolerated_everywhere()
    {
        var request = Parse<PredictRequest>("""
            {"tasks":[{"id":1,"data":{"text":"x"},"brand_new_field":{"a":[1,2]}}],"project":"1.1","label_config":"<View/>",
             "model_version":"old","future_flag":true,"params":{"login":null,"password":null,"context":null,"extra":1}}
            """);

        Assert.Equal("old", request.ModelVersion);
        Assert.True(Assert.Single(request.Tasks!).Extra!.ContainsKey("brand_new_field"));
    }

    [Fact]
    public void Property_names_are_matched_case_insensitively()
    {
        var request = Parse<PredictRequest>("""{"Tasks":[{"ID":3,"Data":{"text":"x"}}],"Project":"9.1","Label_Config":"<View/>"}""");

        Assert.Equal(3, Assert.Single(request.Tasks!).Id);
        Assert.Equal("9", request.Project!.Id);
        Assert.Equal("<View/>", request.LabelConfig);
    }

    [Theory]
    [InlineData("""{"tasks":"not tasks"}""")]
    [InlineData("""{"tasks":[{"id":"abc"}]}""")]
    [InlineData("""{"tasks":[{"id":1,"data":"text"}]}""")]
    [InlineData("""{"project":true}""")]
    [InlineData("""{"project":[6]}""")]
    [InlineData("""{"params":[]}""")]
    [InlineData("""{"params":{"context":{"result":"none"}}}""")]
    [InlineData("""{"tasks":[1,2]}""")]
    [InlineData("""{"tasks":[""")]
    public void Wrong_types_give_a_json_exception(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Parse<PredictRequest>(json));
    }

    [Fact]
    public void Shared_options_are_the_documented_ones_and_read_only()
    {
        var options = SdkJson.Options;

        Assert.Same(JsonNamingPolicy.SnakeCaseLower, options.PropertyNamingPolicy);
        Assert.True(options.PropertyNameCaseInsensitive);
        Assert.Equal(JsonIgnoreCondition.WhenWritingNull, options.DefaultIgnoreCondition);
        Assert.True(options.IsReadOnly);
    }

    [Fact]
    public void The_documented_options_literal_parses_the_same_as_the_shared_options()
    {
        var literal = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

        var request = JsonSerializer.Deserialize<PredictRequest>(InteractivePredict, literal)!;

        Assert.Equal("62053", request.Project!.Id);
        Assert.Equal("1aa-14p0B6", Assert.Single(request.Params!.Context!.Result!).Id);
    }
}
