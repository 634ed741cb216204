namespace MaaS.Agents.Policies;

/// <summary>
/// Online ridge regression: keeps A⁻¹ = (λI + Σ z zᵀ)⁻¹ and b = Σ r z, updated by Sherman-Morrison in O(d²) per
/// observation, so that neither a solve nor a refit is ever needed. Not thread-safe: the owning policy serialises access.
/// </summary>
public sealed class RidgeModel
{
    private readonly double[] _inverse;
    private readonly double[] _b;
    private readonly double[] _theta;
    private readonly double[] _scratch;
    private bool _thetaStale;

    /// <summary>A model over <paramref name="dimension"/> features with prior precision <paramref name="lambda"/> (> 0) around 0.</summary>
    public RidgeModel(int dimension, double lambda)
        : this(dimension, lambda, [])
    {
    }

    /// <summary>
    /// A model with the prior N(<paramref name="priorMean"/>, λ⁻¹I) (empty = 0): θ = A⁻¹(λm + Σ r z), so the prior
    /// mean is the estimate before any observation and fades as observations accumulate.
    /// </summary>
    public RidgeModel(int dimension, double lambda, ReadOnlySpan<double> priorMean)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (!(lambda > 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Lambda must be a positive finite number.");
        }
        Dimension = dimension;
        _inverse = new double[dimension * dimension];
        for (int i = 0; i < dimension; i++)
        {
            _inverse[(i * dimension) + i] = 1.0 / lambda;
        }
        _b = new double[dimension];
        _theta = new double[dimension];
        _scratch = new double[dimension];
        if (!priorMean.IsEmpty)
        {
            if (priorMean.Length != dimension)
            {
                throw new ArgumentException($"The prior mean needs {dimension} values, has {priorMean.Length}.", nameof(priorMean));
            }
            TensorPrimitives.Multiply(priorMean, lambda, _b);
            priorMean.CopyTo(_theta);
        }
    }

    /// <summary>The number of features.</summary>
    public int Dimension { get; }

    /// <summary>The number of observations applied.</summary>
    public long Observations { get; private set; }

    /// <summary>The estimate θ·z.</summary>
    public double Predict(ReadOnlySpan<double> z) => TensorPrimitives.Dot(Theta(), z);

    /// <summary>The confidence width √(zᵀ A⁻¹ z).</summary>
    public double Width(ReadOnlySpan<double> z)
    {
        int d = Dimension;
        double quadratic = 0;
        for (int i = 0; i < d; i++)
        {
            if (z[i] != 0)
            {
                quadratic += z[i] * TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), z);
            }
        }
        return Math.Sqrt(Math.Max(quadratic, 0));
    }

    /// <summary>Adds one observation (z, r): A⁻¹ ← A⁻¹ − (A⁻¹z)(A⁻¹z)ᵀ / (1 + zᵀA⁻¹z), b ← b + r z.</summary>
    public void Update(ReadOnlySpan<double> z, double reward)
    {
        int d = Dimension;
        Span<double> u = _scratch;
        for (int i = 0; i < d; i++)
        {
            u[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), z);
        }
        double denominator = 1 + TensorPrimitives.Dot(z, u);
        for (int i = 0; i < d; i++)
        {
            if (u[i] != 0)
            {
                Span<double> row = new(_inverse, i * d, d);
                TensorPrimitives.MultiplyAdd(u, -u[i] / denominator, row, row);
            }
        }
        TensorPrimitives.MultiplyAdd(z, reward, _b, _b);
        Observations++;
        _thetaStale = true;
    }

    /// <summary>Writes what the model learnt (A⁻¹, b, θ, the count) for <see cref="ReadState"/>.</summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Dimension);
        writer.Write(Observations);
        writer.Write(_thetaStale);
        foreach (double[] values in (ReadOnlySpan<double[]>)[_inverse, _b, _theta])
        {
            foreach (double value in values)
            {
                writer.Write(value);
            }
        }
    }

    /// <summary>Replaces this model's state with one <see cref="WriteState"/> wrote; false (state unspecified) when it is another dimension.</summary>
    public bool ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadInt32() != Dimension)
        {
            return false;
        }
        Observations = reader.ReadInt64();
        _thetaStale = reader.ReadBoolean();
        foreach (double[] values in (ReadOnlySpan<double[]>)[_inverse, _b, _theta])
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadDouble();
            }
        }
        return true;
    }

    private double[] Theta()
    {
        if (_thetaStale)
        {
            int d = Dimension;
            for (int i = 0; i < d; i++)
            {
                _theta[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), _b);
            }
            _thetaStale = false;
        }
        return _theta;
    }
}
