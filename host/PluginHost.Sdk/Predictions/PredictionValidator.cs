using System.Globalization;
using System.Text.Json;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Sdk.Predictions;

/// <summary>
/// Checks a prediction against a label config the way Label Studio's <c>LabelInterface.validate_prediction</c> does
/// (docs/protocol.md §6.5), so a backend learns what Label Studio would reject before one bad region fails a whole batch:
/// <c>from_name</c> is a control, <c>to_name</c> an object linked to it, <c>type</c> the lowercased control tag, labels
/// and choices among the control's labels, geometry within 0–100, scores within 0–1 and relation ids pointing at
/// regions of the same prediction. Returns readable errors; an empty list means valid.
/// </summary>
/// <remarks>
/// Beyond Label Studio, it also reports a <c>null</c> <c>model_version</c> (Label Studio's serializer refuses it), a
/// region score outside 0–1, and brush masks without <c>original_width</c>/<c>original_height</c> (the editor cannot
/// decode them). It accepts a <c>pairwise</c> region whose <c>to_name</c> is the control's own name, as the editor writes it.
/// </remarks>
public static class PredictionValidator
{
    private static readonly string[] BoxFields = ["x", "y", "width", "height"];

    public static IReadOnlyList<string> Validate(Prediction prediction, LabelConfig config)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return Validate(JsonSerializer.SerializeToElement(prediction, SdkJson.Options), config);
    }

    /// <summary>Validates regions as one prediction's <c>result</c>.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<Region> regions, LabelConfig config) => Validate(new Prediction(regions), config);

    /// <summary>Validates a prediction as JSON: <c>{"result":[…],"score":…,"model_version":…}</c>.</summary>
    public static IReadOnlyList<string> Validate(JsonElement prediction, LabelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        if (prediction.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"A prediction must be a JSON object, not {prediction.ValueKind}.");
            return errors;
        }
        if (!prediction.TryGetProperty("result", out var result))
        {
            errors.Add("Missing required field 'result'.");
            return errors;
        }
        if (result.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"'result' must be a list, not {result.ValueKind}.");
            return errors;
        }
        if (prediction.TryGetProperty("score", out var score) && score.ValueKind != JsonValueKind.Null)
            CheckScore(errors, "Prediction", score);
        if (prediction.TryGetProperty("model_version", out var version) && version.ValueKind != JsonValueKind.String)
            errors.Add($"'model_version' must be a string (Label Studio rejects {version.ValueKind}); leave it out to use the backend's version.");

        var regions = result.EnumerateArray().ToList();
        var validIds = new HashSet<string>(StringComparer.Ordinal);
        var relations = new List<(int Index, JsonElement Relation)>();
        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i];
            if (region.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"Region {i}: must be an object, not {region.ValueKind}.");
                continue;
            }
            if (String(region, "type") == "relation")
            {
                relations.Add((i, region));
                continue;
            }
            var before = errors.Count;
            ValidateRegion(errors, i, region, regions, config);
            // Like Label Studio, relations may only point at regions that are themselves valid.
            if (errors.Count == before && String(region, "id") is { } id) validIds.Add(id);
        }
        foreach (var (index, relation) in relations) ValidateRelation(errors, index, relation, validIds);
        return errors;
    }

    private static void ValidateRegion(List<string> errors, int i, JsonElement region, List<JsonElement> all, LabelConfig config)
    {
        var missing = new[] { "from_name", "to_name", "type", "value" }.Where(f => !region.TryGetProperty(f, out _)).ToList();
        if (missing.Count > 0)
        {
            foreach (var field in missing) errors.Add($"Region {i}: missing required field '{field}'.");
            return;
        }
        var fromName = String(region, "from_name") ?? "";
        var toName = String(region, "to_name") ?? "";
        var type = (String(region, "type") ?? "").ToLowerInvariant();
        var control = config.GetControl(fromName);
        if (control is null)
        {
            errors.Add($"Region {i}: 'from_name' '{fromName}' not found in the label config; controls are: {Join(config.Controls.Select(c => c.Name))}.");
            return;
        }
        var selfTarget = control.Type == "pairwise" && toName == control.Name;
        if (!selfTarget && config.GetObject(toName) is null)
        {
            errors.Add($"Region {i}: 'to_name' '{toName}' not found in the label config; objects are: {Join(config.Objects.Select(o => o.Name))}.");
            return;
        }
        if (type != control.Type)
            errors.Add($"Region {i}: type '{type}' does not match the control '{fromName}' ({control.Tag}); expected type '{control.Type}'.");
        if (!selfTarget && !control.ToNames.Contains(toName))
            errors.Add($"Region {i}: 'to_name' '{toName}' is not linked to control '{fromName}'; it is linked to: {Join(control.ToNames)}.");
        if (region.TryGetProperty("score", out var score) && score.ValueKind != JsonValueKind.Null)
            CheckScore(errors, $"Region {i}", score);

        var value = region.GetProperty("value");
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"Region {i}: 'value' must be an object, not {value.ValueKind}.");
            return;
        }
        ValidateValue(new RegionCheck(errors, i, control), control.Type, value, region, all);
    }

    private static void ValidateValue(RegionCheck check, string controlType, JsonElement value, JsonElement region, List<JsonElement> all)
    {
        switch (controlType)
        {
            case "choices":
                check.Labels(value, "choices");
                break;
            case "labels":
                check.Labels(value, "labels");
                // A Labels region may be the label half of a geometry split in two results sharing one id.
                if (!HasGeometryPartner(region, all)) check.Span(value, offsets: false);
                break;
            case "hypertextlabels" or "paragraphlabels":
                check.Labels(value, controlType);
                check.Span(value, offsets: true);
                break;
            case "rectanglelabels" or "rectangle":
                if (controlType == "rectanglelabels") check.Labels(value, controlType);
                foreach (var field in BoxFields) check.Percent(value, field, required: true);
                check.Rotation(value);
                break;
            case "polygonlabels" or "polygon":
                if (controlType == "polygonlabels") check.Labels(value, controlType);
                check.Points(value);
                break;
            case "keypointlabels" or "keypoint":
                if (controlType == "keypointlabels") check.Labels(value, controlType);
                check.Percent(value, "x", required: true);
                check.Percent(value, "y", required: true);
                check.Percent(value, "width", required: false);
                break;
            case "ellipselabels" or "ellipse":
                if (controlType == "ellipselabels") check.Labels(value, controlType);
                check.Percent(value, "x", required: true);
                check.Percent(value, "y", required: true);
                check.Percent(value, "radiusX", required: true, max: 50);
                check.Percent(value, "radiusY", required: true, max: 50);
                check.Rotation(value);
                break;
            case "brushlabels" or "brush":
                if (controlType == "brushlabels") check.Labels(value, controlType);
                check.Brush(value, region);
                break;
            case "textarea":
                check.StringList(value, "text");
                break;
            case "taxonomy":
                check.Taxonomy(value);
                break;
            case "rating":
                check.Rating(value);
                break;
            case "number":
                check.Number(value, "number");
                break;
            case "datetime":
                check.RequireString(value, "datetime");
                break;
            case "pairwise":
                check.RequireString(value, "selected");
                break;
            case "ranker":
                check.Ranker(value);
                break;
            case "timeserieslabels":
                check.Labels(value, controlType);
                check.Span(value, offsets: false);
                break;
            case "videorectangle":
                check.Labels(value, "labels");
                check.Video(value);
                break;
            case "timelinelabels":
                check.Labels(value, controlType);
                check.Ranges(value);
                break;
            default:
                // Other *Labels controls keep their labels under their own type name.
                if (controlType.EndsWith("labels", StringComparison.Ordinal)) check.Labels(value, controlType);
                break;
        }
    }

    private static void ValidateRelation(List<string> errors, int i, JsonElement relation, HashSet<string> validIds)
    {
        foreach (var field in new[] { "direction", "from_id", "to_id" })
            if (!relation.TryGetProperty(field, out _)) errors.Add($"Relation {i}: missing required field '{field}'.");
        var direction = String(relation, "direction");
        if (relation.TryGetProperty("direction", out _) && direction is not ("left" or "right" or "bi"))
            errors.Add($"Relation {i}: direction must be 'left', 'right' or 'bi', not '{direction}'.");
        foreach (var field in new[] { "from_id", "to_id" })
        {
            if (!relation.TryGetProperty(field, out _)) continue;
            var id = String(relation, field);
            if (id is null || !validIds.Contains(id))
                errors.Add($"Relation {i}: '{field}' '{id}' does not match the id of a valid region in this prediction.");
        }
    }

    private static bool HasGeometryPartner(JsonElement region, List<JsonElement> all)
    {
        if (String(region, "id") is not { } id) return false;
        return all.Any(r => r.ValueKind == JsonValueKind.Object && String(r, "id") == id
            && String(r, "type")?.ToLowerInvariant() is "rectangle" or "polygon" or "ellipse" or "keypoint" or "brush");
    }

    private static void CheckScore(List<string> errors, string where, JsonElement score)
    {
        if (score.ValueKind != JsonValueKind.Number)
            errors.Add($"{where}: score must be a number, not {score.ValueKind}.");
        else if (score.GetDouble() is var s && (s < 0 || s > 1))
            errors.Add($"{where}: score must be between 0 and 1, not {s.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list.Select(n => $"'{n}'"));
    }

    /// <summary>Value checks of one region, reporting into the shared error list.</summary>
    private readonly record struct RegionCheck(List<string> Errors, int Index, ControlTag Control)
    {
        private void Add(string message) => Errors.Add($"Region {Index}: {message}");

        public void Labels(JsonElement value, string key)
        {
            if (!value.TryGetProperty(key, out var labels))
            {
                Add($"value has no '{key}' list; control '{Control.Name}' ({Control.Tag}) keeps its labels there.");
                return;
            }
            if (!IsStringList(labels))
            {
                Add($"value.{key} must be a list of strings.");
                return;
            }
            // A control without static labels (dynamic labels from task data) accepts any.
            var known = Control.LabelValues;
            if (known.Count == 0) return;
            var control = Control;
            var unknown = labels.EnumerateArray().Select(l => l.GetString()!).Where(l => !control.HasLabel(l)).ToList();
            if (unknown.Count > 0)
                Add($"{Join(unknown)} {(unknown.Count == 1 ? "is not a label" : "are not labels")} of control '{Control.Name}'; valid labels are: {Join(known)}.");
        }

        public void Span(JsonElement value, bool offsets)
        {
            foreach (var field in new[] { "start", "end" })
            {
                if (!value.TryGetProperty(field, out var v)) Add($"value has no '{field}'.");
                else if (v.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                    Add($"value.{field} must be a number or a string, not {v.ValueKind}.");
                else if (v.ValueKind == JsonValueKind.Number && v.GetDouble() < 0 && !offsets)
                    Add($"value.{field} must not be negative, not {v.GetRawText()}.");
            }
            if (!offsets) return;
            foreach (var field in new[] { "startOffset", "endOffset" })
                if (value.TryGetProperty(field, out var v) && !(v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0))
                    Add($"value.{field} must be a non-negative integer, not {v.GetRawText()}.");
        }

        public void Percent(JsonElement value, string field, bool required, double max = 100)
        {
            if (!value.TryGetProperty(field, out var v))
            {
                if (required) Add($"value has no '{field}'.");
                return;
            }
            if (v.ValueKind != JsonValueKind.Number) Add($"value.{field} must be a number, not {v.ValueKind}.");
            else if (v.GetDouble() is var d && (d < 0 || d > max))
                Add($"value.{field} {v.GetRawText()} is out of bounds [0, {max}] (percent of the original image).");
        }

        public void Rotation(JsonElement value)
        {
            if (!value.TryGetProperty("rotation", out var v)) return;
            if (v.ValueKind != JsonValueKind.Number || v.GetDouble() > 360)
                Add($"value.rotation must be a number of degrees up to 360, not {v.GetRawText()}.");
        }

        public void Points(JsonElement value)
        {
            if (!value.TryGetProperty("points", out var points) || points.ValueKind != JsonValueKind.Array)
            {
                Add("value.points must be a list of [x, y] pairs.");
                return;
            }
            var k = 0;
            foreach (var point in points.EnumerateArray())
            {
                if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2
                    || point.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.Number))
                    Add($"value.points[{k}] must be an [x, y] pair of numbers, not {point.GetRawText()}.");
                else if (point.EnumerateArray().Any(c => c.GetDouble() is < 0 or > 100))
                    Add($"value.points[{k}] {point.GetRawText()} is out of bounds [0, 100] (percent of the original image).");
                k++;
            }
        }

        public void Brush(JsonElement value, JsonElement region)
        {
            var format = value.TryGetProperty("format", out var f) ? (f.ValueKind == JsonValueKind.String ? f.GetString() : f.GetRawText()) : "rle";
            if (format != "rle") return;
            if (!value.TryGetProperty("rle", out var rle) || rle.ValueKind != JsonValueKind.Array || rle.GetArrayLength() == 0
                || rle.EnumerateArray().Any(b => b.ValueKind != JsonValueKind.Number || !b.TryGetInt32(out var n) || n is < 0 or > 255))
                Add("value.rle must be a non-empty list of bytes (0–255).");
            if (!region.TryGetProperty("original_width", out _) || !region.TryGetProperty("original_height", out _))
                Add("a brush region needs original_width and original_height, or the editor cannot decode its mask.");
        }

        public void StringList(JsonElement value, string key)
        {
            if (!value.TryGetProperty(key, out var list) || !IsStringList(list)) Add($"value.{key} must be a list of strings.");
        }

        public void RequireString(JsonElement value, string key)
        {
            if (!value.TryGetProperty(key, out var s) || s.ValueKind != JsonValueKind.String) Add($"value.{key} must be a string.");
        }

        public void Number(JsonElement value, string key)
        {
            if (!value.TryGetProperty(key, out var n) || n.ValueKind != JsonValueKind.Number) Add($"value.{key} must be a number.");
        }

        public void Rating(JsonElement value)
        {
            var max = (int)(Control.NumberAttribute("maxRating") ?? 5);
            if (!value.TryGetProperty("rating", out var r) || r.ValueKind != JsonValueKind.Number || !r.TryGetInt32(out var rating))
                Add("value.rating must be a whole number.");
            else if (rating < 0 || rating > max)
                Add($"value.rating {rating} is outside 0–{max} (the control's maxRating).");
        }

        public void Taxonomy(JsonElement value)
        {
            if (!value.TryGetProperty("taxonomy", out var paths) || paths.ValueKind != JsonValueKind.Array
                || paths.EnumerateArray().Any(p => !IsStringList(p)))
            {
                Add("value.taxonomy must be a list of paths, each a list of strings.");
                return;
            }
            var known = Control.LabelValues;
            if (known.Count == 0) return;
            var control = Control;
            var unknown = paths.EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(n => n.GetString()!).Where(n => !control.HasLabel(n)).Distinct().ToList();
            if (unknown.Count > 0) Add($"{Join(unknown)} not found among the taxonomy of control '{Control.Name}'.");
        }

        public void Ranker(JsonElement value)
        {
            if (!value.TryGetProperty("ranker", out var ranker) || ranker.ValueKind != JsonValueKind.Object
                || ranker.EnumerateObject().Any(p => !IsStringList(p.Value)))
                Add("value.ranker must be an object of lists of item ids, e.g. {\"ranker\": {\"" + Control.Name + "\": [\"a\", \"b\"]}}.");
        }

        public void Video(JsonElement value)
        {
            if (!value.TryGetProperty("framesCount", out var frames) || !IsWholeNumber(frames)) Add("value.framesCount must be a whole number.");
            if (!value.TryGetProperty("duration", out var duration) || duration.ValueKind != JsonValueKind.Number) Add("value.duration must be a number of seconds.");
            if (!value.TryGetProperty("sequence", out var sequence) || sequence.ValueKind != JsonValueKind.Array)
            {
                Add("value.sequence must be a list of keyframes.");
                return;
            }
            var k = 0;
            foreach (var keyframe in sequence.EnumerateArray())
            {
                if (keyframe.ValueKind != JsonValueKind.Object) Add($"value.sequence[{k}] must be an object.");
                else
                {
                    if (!keyframe.TryGetProperty("frame", out var f) || !IsWholeNumber(f)) Add($"value.sequence[{k}].frame must be a whole number.");
                    if (!keyframe.TryGetProperty("time", out var t) || t.ValueKind != JsonValueKind.Number) Add($"value.sequence[{k}].time must be a number.");
                    foreach (var field in BoxFields)
                    {
                        if (!keyframe.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.Number)
                            Add($"value.sequence[{k}].{field} must be a number.");
                        else if (v.GetDouble() is < 0 or > 100)
                            Add($"value.sequence[{k}].{field} {v.GetRawText()} is out of bounds [0, 100].");
                    }
                }
                k++;
            }
        }

        public void Ranges(JsonElement value)
        {
            if (!value.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Array
                || ranges.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object
                    || !r.TryGetProperty("start", out var s) || s.ValueKind != JsonValueKind.Number
                    || !r.TryGetProperty("end", out var e) || e.ValueKind != JsonValueKind.Number))
                Add("value.ranges must be a list of {\"start\", \"end\"} frame ranges.");
        }

        private static bool IsWholeNumber(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _);

        private static bool IsStringList(JsonElement list) =>
            list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
    }
}
