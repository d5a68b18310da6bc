package admin

// routes lists the whole admin API in one place. Paths and verbs are API
// Gateway's; the /ferry/ prefix holds what API Gateway lacks.
func (s *server) routes() {
	s.handle("GET /restapis", s.listAPIs)
	s.handle("POST /restapis", s.importAPI)
	s.handle("GET /restapis/{id}", s.getAPI)
	s.handle("PUT /restapis/{id}", s.overwriteAPI)
	s.handle("DELETE /restapis/{id}", s.deleteAPI)

	s.handle("GET /restapis/{id}/resources", s.listResources)
	s.handle("GET /restapis/{id}/resources/{rid}", s.getResource)
	s.handle("GET /restapis/{id}/resources/{rid}/methods/{verb}", s.getMethod)
	s.handle("PUT /restapis/{id}/resources/{rid}/methods/{verb}", s.putMethod)
	s.handle("DELETE /restapis/{id}/resources/{rid}/methods/{verb}", s.deleteMethod)
	s.handle("POST /restapis/{id}/resources/{rid}/methods/{verb}", s.testInvokeMethod)
	s.handle("GET /restapis/{id}/resources/{rid}/methods/{verb}/responses/{status}", s.getMethodResponse)
	s.handle("PUT /restapis/{id}/resources/{rid}/methods/{verb}/responses/{status}", s.putMethodResponse)
	s.handle("DELETE /restapis/{id}/resources/{rid}/methods/{verb}/responses/{status}", s.deleteMethodResponse)
	s.handle("GET /restapis/{id}/resources/{rid}/methods/{verb}/integration", s.getIntegration)
	s.handle("PUT /restapis/{id}/resources/{rid}/methods/{verb}/integration", s.putIntegration)
	s.handle("DELETE /restapis/{id}/resources/{rid}/methods/{verb}/integration", s.deleteIntegration)
	s.handle("GET /restapis/{id}/resources/{rid}/methods/{verb}/integration/responses/{status}", s.getIntegrationResponse)
	s.handle("PUT /restapis/{id}/resources/{rid}/methods/{verb}/integration/responses/{status}", s.putIntegrationResponse)
	s.handle("DELETE /restapis/{id}/resources/{rid}/methods/{verb}/integration/responses/{status}", s.deleteIntegrationResponse)

	s.handle("GET /restapis/{id}/authorizers", s.listAuthorizers)
	s.handle("GET /restapis/{id}/authorizers/{authorizerId}", s.getAuthorizer)
	s.handle("POST /restapis/{id}/authorizers/{authorizerId}", s.testInvokeAuthorizer)

	s.handle("GET /restapis/{id}/deployments", s.listDeployments)
	s.handle("POST /restapis/{id}/deployments", s.createDeployment)
	s.handle("GET /restapis/{id}/deployments/{did}", s.getDeployment)
	s.handle("DELETE /restapis/{id}/deployments/{did}", s.deleteDeployment)

	s.handle("GET /restapis/{id}/stages", s.listStages)
	s.handle("POST /restapis/{id}/stages", s.createStage)
	s.handle("GET /restapis/{id}/stages/{name}", s.getStage)
	s.handle("PATCH /restapis/{id}/stages/{name}", s.updateStage)
	s.handle("DELETE /restapis/{id}/stages/{name}", s.deleteStage)
	s.handle("GET /restapis/{id}/stages/{name}/exports/{type}", s.exportStage)

	s.handle("GET /domainnames", s.listDomainNames)
	s.handle("POST /domainnames", s.createDomainName)
	s.handle("GET /domainnames/{name}", s.getDomainName)
	s.handle("DELETE /domainnames/{name}", s.deleteDomainName)
	s.handle("GET /domainnames/{name}/basepathmappings", s.listBasePathMappings)
	s.handle("POST /domainnames/{name}/basepathmappings", s.createBasePathMapping)
	s.handle("DELETE /domainnames/{name}/basepathmappings/{basePath}", s.deleteBasePathMapping)

	s.handle("POST /ferry/restapis/{id}/stages/{name}/offline", s.setOffline(true))
	s.handle("POST /ferry/restapis/{id}/stages/{name}/online", s.setOffline(false))
	s.handle("GET /ferry/restapis/{id}/exports/{type}", s.exportCurrent)
	s.kvmRoutes()
	s.usagePlanRoutes()
}
