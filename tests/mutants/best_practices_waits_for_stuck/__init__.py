"""best_practices whose timeout still waits for the stuck task."""
