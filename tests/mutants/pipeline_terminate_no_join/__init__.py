"""pipeline that terminates its stages on a failure but never joins them."""
