"""The driven adapters: what the domain's ports reach (storage, files, metrics, MLflow)."""
