"""Stage 1, load: read a spec safely (size, depth and alias caps, line numbers) and resolve its external ``$ref``s."""
