using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// What a label config asks of the model: the controls it fills in (<see cref="OutputField"/>s), the prompt
/// <c>TextArea</c> the annotator edits, the <c>TextArea</c> that receives the search sources, and the JSON schema of
/// the answer (one property per control, labels as enums) sent as structured output.
/// </summary>
internal sealed class AnnotationSchema
{
    public const string SchemaName = "label_studio_annotation";

    private AnnotationSchema(IReadOnlyList<OutputField> fields, ControlTag? prompt, ControlTag? sources, ObjectTag? mainObject,
        IReadOnlyList<ObjectTag> imageObjects)
    {
        ImageObjects = imageObjects;
        Fields = fields;
        Prompt = prompt;
        Sources = sources;
        MainObject = mainObject;
        Schema = BuildSchema(fields);
        Instructions = BuildInstructions(fields);
    }

    public IReadOnlyList<OutputField> Fields { get; }

    /// <summary>The prompt <c>TextArea</c>, or null when the config has none (the default prompt is used).</summary>
    public ControlTag? Prompt { get; }

    public ControlTag? Sources { get; }

    /// <summary>The object whose value is <c>{text}</c>: the prompt's object, else the first field's.</summary>
    public ObjectTag? MainObject { get; }

    public JsonElement Schema { get; }

    /// <summary>The config's <c>Image</c> objects: their images go to the model as image content.</summary>
    public IReadOnlyList<ObjectTag> ImageObjects { get; }

    /// <summary>The system message: what each field means.</summary>
    public string Instructions { get; }

    /// <summary>The labels <c>{labels}</c> stands for: the first Choices or Labels field's.</summary>
    public IReadOnlyList<string> Labels => Fields.FirstOrDefault(f => f.Kind is OutputKind.Choices or OutputKind.Spans)?.Control.LabelValues ?? [];

    public static AnnotationSchema From(LabelConfig config, string promptPrefix, string sourcesPrefix)
    {
        ControlTag? prompt = null, sources = null;
        var fields = new List<OutputField>();
        foreach (var control in config.Controls)
        {
            if (control.Object is not { } target || control.IsPerRegion) continue;
            switch (control.Type)
            {
                case "textarea" when prompt is null && control.Name.StartsWith(promptPrefix, StringComparison.Ordinal):
                    prompt = control;
                    break;
                case "textarea" when sources is null && control.Name.StartsWith(sourcesPrefix, StringComparison.Ordinal):
                    sources = control;
                    break;
                case "textarea":
                    fields.Add(new OutputField(control, OutputKind.Text, target));
                    break;
                case "choices" when control.LabelValues.Count > 0:
                    fields.Add(new OutputField(control, OutputKind.Choices, target));
                    break;
                case "labels" when control.LabelValues.Count > 0 && target.Type == "text":
                    fields.Add(new OutputField(control, OutputKind.Spans, target));
                    break;
                case "rating":
                    fields.Add(new OutputField(control, OutputKind.Rating, target));
                    break;
                case "number":
                    fields.Add(new OutputField(control, OutputKind.Number, target));
                    break;
            }
        }
        if (fields.Count == 0)
            throw new LabelConfigException("The llm backend fills in Choices, Labels on Text, TextArea, Rating or Number controls; the label config has none (besides the prompt).");
        return new AnnotationSchema(fields, prompt, sources, prompt?.Object ?? fields[0].Object,
            config.Objects.Where(o => o.Type == "image").ToList());
    }

    private static JsonElement BuildSchema(IReadOnlyList<OutputField> fields)
    {
        var properties = new JsonObject();
        foreach (var field in fields) properties[field.Name] = FieldSchema(field);
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(fields.Select(f => (JsonNode)JsonValue.Create(f.Name)).ToArray()),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    private static JsonObject FieldSchema(OutputField field)
    {
        switch (field.Kind)
        {
            case OutputKind.Choices:
                var choice = new JsonObject { ["type"] = "string", ["enum"] = Strings(field.Control.LabelValues) };
                return field.Control.IsMultipleChoice
                    ? new JsonObject { ["type"] = "array", ["items"] = choice, ["description"] = Description(field) }
                    : Describe(choice, field);
            case OutputKind.Spans:
                return new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = Description(field),
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["text"] = new JsonObject { ["type"] = "string" },
                            ["label"] = new JsonObject { ["type"] = "string", ["enum"] = Strings(field.Control.LabelValues) },
                        },
                        ["required"] = new JsonArray("text", "label"),
                        ["additionalProperties"] = false,
                    },
                };
            case OutputKind.Rating:
                return Describe(new JsonObject { ["type"] = "integer" }, field);
            case OutputKind.Number:
                return Describe(new JsonObject { ["type"] = "number" }, field);
            default:
                return Describe(new JsonObject { ["type"] = "string" }, field);
        }
    }

    private static JsonObject Describe(JsonObject schema, OutputField field)
    {
        schema["description"] = Description(field);
        return schema;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static string Description(OutputField field) => field.Kind switch
    {
        OutputKind.Choices when field.Control.IsMultipleChoice => $"Every label of {Quote(field.Control.LabelValues)} that applies to the {field.Object.Name}.",
        OutputKind.Choices => $"The one label of {Quote(field.Control.LabelValues)} that applies to the {field.Object.Name}.",
        OutputKind.Spans => $"Every passage of the {field.Object.Name} that has one of the labels {Quote(field.Control.LabelValues)}, in order of appearance: "
            + "'text' copied character for character from the text (one item per occurrence), 'label' its label.",
        OutputKind.Rating => $"A whole-number rating from 1 to {field.MaxRating}.",
        OutputKind.Number => "A number" + (field.Min is { } min ? $" from {Number(min)}" : "") + (field.Max is { } max ? $" up to {Number(max)}" : "") + ".",
        _ => field.Control.Attribute("placeholder") is { Length: > 0 } hint ? $"Free text: {hint}" : "Free text: the answer to the prompt.",
    };

    private static string Quote(IEnumerable<string> labels) => string.Join(", ", labels.Select(l => $"\"{l}\""));

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string BuildInstructions(IReadOnlyList<OutputField> fields)
    {
        var text = new StringBuilder("You annotate data for Label Studio. Follow the user's instructions and answer with one JSON object with these fields:\n");
        foreach (var field in fields) text.Append("- \"").Append(field.Name).Append("\": ").Append(Description(field)).Append('\n');
        return text.ToString();
    }
}
