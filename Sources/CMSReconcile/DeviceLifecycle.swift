import CMSModel
