namespace MaaS.Models.Text.Featurization;

/// <summary>How the featurizer weights each distinct feature id of a text.</summary>
public enum FeatureWeighting
{
    /// <summary>1 per distinct id (binarised counts, as NBSVM uses).</summary>
    Binary = 0,

    /// <summary>1/sqrt(distinct ids), so every text's feature vector has unit L2 norm.</summary>
    L2Normalized = 1,
}
