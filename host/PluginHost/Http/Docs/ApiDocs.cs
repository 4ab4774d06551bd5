using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace PluginHost.Http.Docs;

/// <summary>The OpenAPI document (<c>GET /openapi/v1.json</c>) and its browsable reference (<c>GET /docs</c>, Scalar,
/// served from the host: no CDN).</summary>
internal static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        // The schemas follow the wire format: the host's and the SDK's snake_case contracts.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, HostJson.Options.TypeInfoResolver!);
        });
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "PluginHost";
                document.Info.Description = "Label Studio ML backends on one port: /{backend}/predict, /setup, /webhook, /versions… " +
                    "The bare routes serve the default backend. Errors are JSON: {\"status\":…,\"detail\":…,\"backend\":…}.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                AddPathParameters(operation, context.Description.RelativePath ?? "");
                AddExamples(operation, context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static void MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.Title = "PluginHost API";
            options.OpenApiRoutePattern = DocumentPath;
            // Nothing leaves the host: no CDN fonts, no telemetry, no hosted AI agent or developer-tool bar.
            options.DefaultFonts = false;
            options.Telemetry = false;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.HideClientButton = true;
        });
    }

    /// <summary>Plain request delegates declare no parameters: the route's <c>{backend}</c>, <c>{version}</c>, <c>{id}</c> are added here.</summary>
    private static void AddPathParameters(OpenApiOperation operation, string relativePath)
    {
        operation.Parameters ??= [];
        foreach (var segment in relativePath.Split('/'))
        {
            if (segment is not ['{', .., '}']) continue;
            var name = segment[1..^1];
            if (operation.Parameters.Any(p => p.Name == name)) continue;
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = name == "backend" ? "The backend's route, e.g. textclassifier." : null,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (relativePath.Contains("versions", StringComparison.Ordinal))
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "project",
                In = ParameterLocation.Query,
                Description = "Label Studio project id (default: every trained project).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
    }

    private static void AddExamples(OpenApiOperation operation, string? name)
    {
        if (name is null) return;
        var (request, response) = RouteExamples.For(name);
        if (request is not null && operation.RequestBody?.Content is { } requestContent && requestContent.TryGetValue("application/json", out var requestType))
            requestType.Example = request;
        if (response is not null && operation.Responses is { } responses)
        {
            var success = responses.Where(r => r.Key.StartsWith('2')).OrderBy(r => r.Key).Select(r => r.Value).FirstOrDefault();
            if (success?.Content is { } content && content.TryGetValue("application/json", out var responseType)) responseType.Example = response;
        }
    }
}
