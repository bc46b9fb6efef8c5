"""WTForms classes, one module per form family. Views validate with these; services never see a form."""
