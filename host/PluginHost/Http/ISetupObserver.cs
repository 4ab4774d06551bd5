using PluginHost.Sdk.Protocol;

namespace PluginHost.Http;

/// <summary>Told about every <c>/setup</c> after its label config and extra params are stored (e.g. to remember the
/// Label Studio address and token it carries, or to retrain when the labels changed).</summary>
internal interface ISetupObserver
{
    ValueTask OnSetupAsync(string backend, ProjectRef project, SetupRequest request, CancellationToken cancellationToken);
}
