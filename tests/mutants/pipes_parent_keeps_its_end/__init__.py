"""pipes whose ask() joins the worker without closing its end."""
