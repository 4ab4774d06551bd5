using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>The trainers the classifier can use; the default was chosen by measurement (docs/training.md).</summary>
public enum TrainerKind
{
    /// <summary>Multinomial logistic regression by L-BFGS (single choice); logistic regression per label (multiple).</summary>
    Lbfgs,

    /// <summary>Stochastic dual coordinate ascent, maximum entropy (single) / logistic regression per label (multiple).</summary>
    Sdca,
}

/// <summary>How a request's tasks go through the model.</summary>
public enum PredictMode
{
    /// <summary>One pooled <c>PredictionEngine</c> per request, tasks one after another.</summary>
    Pool,

    /// <summary>One <c>Transform</c> over all the request's tasks.</summary>
    Batch,
}

/// <summary><c>Backends:textclassifier:Settings</c>.</summary>
[BackendSettings]
public sealed class TextClassifierSettings
{
    public TrainerKind Trainer { get; set; } = TrainerKind.Lbfgs;

    /// <summary>Word n-grams up to this length (1 = bag of words).</summary>
    public int WordNgrams { get; set; } = 2;

    /// <summary>Character n-grams of this length; 0 turns them off.</summary>
    public int CharNgrams { get; set; }

    /// <summary>Only the first characters of a text are read (long e-mails cost time and add little); 0 = no limit.</summary>
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>Multiple choice: a label is predicted when its probability reaches this (or the control's <c>model_score_threshold</c>).</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>L2 penalty of the weights. ML.NET's default (1) underfits small projects badly; chosen by measurement.</summary>
    public float L2Regularization { get; set; } = 0.01f;

    /// <summary>L1 penalty (sparsity). 0: with few annotations every word matters.</summary>
    public float L1Regularization { get; set; }

    public PredictMode PredictMode { get; set; } = PredictMode.Pool;

    /// <summary>Threads ML.NET trains with; 1 keeps training on the host's low-priority training thread.</summary>
    public int TrainingThreads { get; set; } = 1;
}
